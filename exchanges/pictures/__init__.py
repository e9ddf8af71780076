"""Pictures of the whole directory: statistics with their charts and CSV tables, the map of ties
on a base map of East Asia drawn on the server, and the network of regions. They own no models:
they read the directory through its FilterSets, so each follows the lists' filters."""
