"""The licences the directory's data package (``/data/``) can be published under.

``DATA_LICENSE`` (a setting, from the environment) names one by its SPDX id; the settings refuse
any other id at start-up. This module imports nothing from Django so that the settings can read
it before the apps are loaded.
"""

# SPDX id → the title and address the data package's ``licenses`` member gives for it.
DATA_LICENSES = {
    "CC-BY-4.0": {
        "title": "Creative Commons Attribution 4.0 International",
        "path": "https://creativecommons.org/licenses/by/4.0/",
    },
    "CC0-1.0": {
        "title": "Creative Commons Zero v1.0 Universal",
        "path": "https://creativecommons.org/publicdomain/zero/1.0/",
    },
    "ODbL-1.0": {
        "title": "Open Data Commons Open Database License v1.0",
        "path": "https://opendatacommons.org/licenses/odbl/1-0/",
    },
}
DEFAULT_DATA_LICENSE = "CC-BY-4.0"
