# Django's zh_Hans formats leave numbers ungrouped; Chinese statistical tables group thousands
# with commas (38,000.00). Dates stay as Django has them.
from django.conf.locale.zh_Hans.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
