"""The gazetteer: the official lists of Japan's, China's and Korea's local governments.

``build/`` turns registry packages into the committed CSV files of ``fixtures/gazetteer/``
(``python manage.py build_gazetteer``, build time only); ``loading`` reads those files into
the directory (``python manage.py load_gazetteer``).
"""
