"""What indicators/ adds to the plan editor below it, connected once at start-up
(IndicatorsConfig.ready): its row kinds (indicators, own fuels) and its sections' item counts."""

from indicators.rows import FUELS, INDICATORS
from indicators.selectors import section_item_counts
from plans.rows import register, register_section_counter


def extend_plans() -> None:
    register(INDICATORS)
    register(FUELS)
    register_section_counter(section_item_counts)
