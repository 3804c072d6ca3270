"""The template's outline (高新区绿色发展五年行动方案编制大纲), declared once.

Titles, notes and guidance are the template's own words, verbatim (../shared/seed/
green-plan-template.txt). Where the template has numbered items without a title (2.3, 2.4, 第五章,
第六章) the entry's `title` is a short name of ours and the template's words are its `guidance`.

Keys are stable: saved sections, review comments, exports and PDFs refer to them. Change the
outline by adding a new OUTLINE_VERSION, never by renaming a key.

The editor, completeness, the table of contents, the preview and later the PDF, review anchors and
exports all walk OUTLINE.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

OUTLINE_VERSION = "2021-1"


class Kind(StrEnum):
    RICH_TEXT = "rich_text"  # 正文（富文本）
    FIGURES = "figures"  # 图件
    KEY_TASKS = "key_tasks"  # 重点任务表
    ROADMAP = "roadmap"  # 碳达峰碳中和行动路线图
    KEY_PROJECTS = "key_projects"  # 重点建设项目表
    LEADING_GROUP = "leading_group"  # 领导小组与专项办公室
    INDICATORS = "indicators"  # 指标与年度目标（指标议题）
    DATA_TABLES = "data_tables"  # 2016-2020 年数据表（指标议题）
    ATTACHMENTS = "attachments"  # 支撑材料文件
    # the reports that follow an approved plan up (年度实施情况报告, 终期评估报告)
    ACTUALS = "actuals"  # 指标完成情况：实际值、数据来源、佐证材料、未达成的原因
    TASK_PROGRESS = "task_progress"  # 重点任务进展
    PROJECT_PROGRESS = "project_progress"  # 重点项目进展


TEXT = (Kind.RICH_TEXT, Kind.FIGURES)


@dataclass(frozen=True)
class Entry:
    key: str
    number: str
    title: str
    guidance: str = ""
    kinds: tuple[Kind, ...] = TEXT
    required: bool = True
    note: str = ""
    children: tuple["Entry", ...] = ()
    # Attachment categories an ATTACHMENTS entry collects: ((code, label), ...)
    attachment_categories: tuple[tuple[str, str], ...] = ()
    in_toc: bool = True

    @property
    def heading(self) -> str:
        return f"{self.number}  {self.title}".strip() if self.number else self.title

    @property
    def is_editable(self) -> bool:
        return bool(self.kinds)


@dataclass(frozen=True)
class Outline:
    version: str
    entries: tuple[Entry, ...]

    def walk(self):
        """Every entry in document order, with its depth (0 for 前言 and the chapters)."""

        def visit(entries, depth):
            for entry in entries:
                yield entry, depth
                yield from visit(entry.children, depth + 1)

        yield from visit(self.entries, 0)

    @cached_property
    def by_key(self) -> dict[str, Entry]:
        return {entry.key: entry for entry, _depth in self.walk()}

    @cached_property
    def sections(self) -> tuple[Entry, ...]:
        """The entries that hold content, in document order."""
        return tuple(entry for entry, _depth in self.walk() if entry.is_editable)

    @cached_property
    def chapter_of(self) -> dict[str, Entry]:
        result = {}
        for top in self.entries:
            stack = [top]
            while stack:
                entry = stack.pop()
                result[entry.key] = top
                stack.extend(entry.children)
        return result

    def get(self, key: str) -> Entry:
        return self.by_key[key]

    def holding(self, kind: Kind) -> tuple[Entry, ...]:
        """The sections that hold `kind`, in document order."""
        return tuple(entry for entry in self.sections if kind in entry.kinds)

    def neighbours(self, key: str) -> tuple[Entry | None, Entry | None]:
        keys = [s.key for s in self.sections]
        i = keys.index(key)
        return (
            self.sections[i - 1] if i > 0 else None,
            self.sections[i + 1] if i + 1 < len(keys) else None,
        )


# The sections that hold what another declaration supplies, named for what they hold: the tables
# of plans.rows, the indicators and data tables of indicators/, the files. OUTLINE is declared
# with these keys and keys never change between outline versions, so every other module names a
# section through them (or asks Outline.holding), never by its number.
MAPS_KEY = "1.1"  # 园区概况: its guidance asks for the maps of the park's site and bounds
TARGETS_KEY = "3.1"  # 主要目标: each indicator's yearly targets
INDICATORS_KEY = "3.2"  # 主要指标: the plan's indicators
FEASIBILITY_KEY = "3.3"  # 目标与指标可达性分析: each indicator's feasibility analysis
TASKS_KEY = "4.1"  # 重点任务: the key tasks table
ROADMAP_KEY = "4.2"  # 行动路线图: the milestones and the carbon peak year
PROJECTS_KEY = "4.3"  # 重点任务和建设项目汇总: the key projects table
LEADING_GROUP_KEY = "5.1"  # 组织管理保障: the leading group and special office
ENERGY_TABLES_KEY = "6.1"  # 第六章 (1): the economy and energy data tables, the park's fuels
WATER_TABLES_KEY = "6.2"  # 第六章 (2): the water and pollutant data tables
REPORTS_KEY = "6.3"  # 第六章 (3): the plans and reports the template lists

TASK_GROUPS = (
    # 国科发火〔2021〕28号 (《国家高新区绿色发展专项行动实施方案》), its three task groups.
    ("emission", "推动节能减排，优化绿色生态环境"),
    ("technology", "强化绿色技术供给，构建绿色技术创新体系"),
    ("industry", "发展绿色产业，构建绿色产业体系"),
    ("other", "其他"),
)

ATTACHMENTS_REPORTS = (
    ("fourteenth_plan", "园区“十四五”规划"),
    ("eia_tracking", "园区环境影响跟踪评价报告"),
    ("env_quality", "园区环境质量报告书"),
    ("land_use", "园区土地集约利用报告"),
)
ATTACHMENTS_OTHER = (("other", "其他必要的支撑材料"),)

OUTLINE = Outline(
    version=OUTLINE_VERSION,
    entries=(
        Entry("preface", "", "前言", kinds=(Kind.RICH_TEXT,)),
        Entry(
            "ch1",
            "第一章",
            "基本情况",
            note="(所有涉及现状数据原则上以2020年为基准)",
            kinds=(),
            children=(
                Entry(
                    MAPS_KEY,
                    "1.1",
                    "园区概况",
                    "主要包括园区发展历史沿革、地理位置、交通条件、规划及建成区面积、自然资源禀赋等。"
                    "提供园区地理位置、四至范围等相关图件。",
                ),
                Entry(
                    "1.2",
                    "1.2",
                    "社会发展",
                    "主要包括园区从业人员数量，科技、教育、文化、卫生等社会服务机构建设等情况。",
                ),
                Entry(
                    "1.3",
                    "1.3",
                    "产业发展",
                    "主要包括园区经济、产业发展现状。工业增加值或园区生产总值在所属行政区域的占比情况，"
                    "主导产业组成及发展现状，园区重点企业发展情况，高新技术产业发展及其产值在工业总产值"
                    "中占比情况，其他相关发展情况等。",
                ),
                Entry(
                    "1.4",
                    "1.4",
                    "基础设施",
                    "电力、燃气、供热、供水、通信、交通、安全、治污等设施建设与运行情况。",
                ),
                Entry(
                    "1.5",
                    "1.5",
                    "环境质量",
                    "主要包括区域环境功能区划，环境质量现状，污染物排放情况，重点排放源情况，"
                    "环保督查情况。",
                ),
                Entry("1.6", "1.6", "智慧化建设", "园区信息化、数字化管理，智慧园区建设等情况。"),
            ),
        ),
        Entry(
            "ch2",
            "第二章",
            "绿色发展现状",
            "全面总结园区绿色发展方面已开展的行动、取得的成效以及面临的挑战。开展的行动从园区管理、"
            "科技创新、绿色创建、产业链条化循环化、资源能源集约节约利用等方面阐述；总结“十三五”"
            "期间园区通过绿色发展在经济、产业、资源能源、环境质量等方面取得的成效；识别园区深化"
            "绿色转型高质量发展面临的挑战。",
            kinds=(Kind.RICH_TEXT,),
            required=False,
            children=(
                Entry(
                    "2.1",
                    "2.1",
                    "环境管理创新情况",
                    "贯彻落实上级部门绿色发展政策，制定的绿色发展相关政策、管理办法与执行情况。",
                ),
                Entry(
                    "2.2",
                    "2.2",
                    "科技创新驱动绿色发展情况",
                    "园区绿色产业发展现状，若有节能环保产业、新能源产业、清洁生产产业的园区，"
                    "说明产业发展情况。\n绿色技术开发应用情况。",
                ),
                Entry(
                    "2.3",
                    "2.3",
                    "绿色创建情况",
                    kinds=(),
                    children=(
                        Entry(
                            "2.3.1",
                            "（1）",
                            "园区绿色创建工作",
                            "园区开展生态工业园区、循环化改造、绿色园区、低碳园区、可持续发展议程创新"
                            "示范区等创建工作情况介绍，指标完成情况。",
                            in_toc=False,
                        ),
                        Entry(
                            "2.3.2",
                            "（2）",
                            "第三方治理、EOD 等工作",
                            "环境污染第三方治理、生态环境导向的开发模式"
                            "（Ecology-Oriented Development，EOD）、无废城市、污水零直排等工作"
                            "开展情况。",
                            in_toc=False,
                        ),
                        Entry(
                            "2.3.3",
                            "（3）",
                            "企业绿色创建",
                            "企业绿色产品、绿色工厂、绿色供应链管理、清洁生产审核等开展情况。",
                            in_toc=False,
                        ),
                        Entry(
                            "2.3.4",
                            "（4）",
                            "其他创建活动",
                            "与绿色发展相关的其他创建活动。",
                            required=False,
                            in_toc=False,
                        ),
                    ),
                ),
                Entry(
                    "2.4",
                    "2.4",
                    "低碳发展情况",
                    kinds=(),
                    children=(
                        Entry(
                            "2.4.1",
                            "（1）",
                            "能源消耗与能源结构",
                            "能源消耗与能源结构、可再生能源使用情况。",
                            in_toc=False,
                        ),
                        Entry(
                            "2.4.2",
                            "（2）",
                            "碳排放现状及核算说明",
                            "碳排放现状及核算说明。",
                            in_toc=False,
                        ),
                        Entry(
                            "2.4.3",
                            "（3）",
                            "低碳发展成绩",
                            "低碳发展取得的成绩。",
                            in_toc=False,
                        ),
                    ),
                ),
                Entry(
                    "2.5",
                    "2.5",
                    "“十三五”期间园区在经济、产业、资源能源、环境质量等方面取得的成效",
                ),
                Entry(
                    "2.6",
                    "2.6",
                    "园区深化绿色转型高质量发展面临的挑战",
                    "重点阐述碳达峰碳中和及能源总量强度双控方面的挑战。",
                ),
            ),
        ),
        Entry(
            "ch3",
            "第三章",
            "目标与指标",
            "贯彻落实《国家高新区绿色发展专项行动实施方案》（国科发火〔2021〕28号），结合园区实际，"
            "重点在创新绿色发展机制，做好碳达峰与碳中和，构建绿色低碳循环现代产业体系、降低单位GDP"
            "能耗、工业废水近零排放等重点领域提出目标、制定指标、进行可达性分析。",
            kinds=(Kind.RICH_TEXT,),
            required=False,
            children=(
                Entry(
                    TARGETS_KEY,
                    "3.1",
                    "主要目标",
                    "按照年度分解目标，实施期限原则上为2021-2025年。",
                    kinds=(Kind.RICH_TEXT, Kind.INDICATORS),
                ),
                Entry(
                    INDICATORS_KEY,
                    "3.2",
                    "主要指标",
                    "对照《国家高新区绿色发展专项行动实施方案》（国科发火〔2021〕28号）要求，"
                    "提出园区绿色发展可量化指标。",
                    kinds=(Kind.INDICATORS, Kind.RICH_TEXT),
                ),
                Entry(
                    FEASIBILITY_KEY,
                    "3.3",
                    "目标与指标可达性分析",
                    kinds=(Kind.RICH_TEXT, Kind.INDICATORS),
                ),
            ),
        ),
        Entry(
            "ch4",
            "第四章",
            "重点任务",
            kinds=(),
            children=(
                Entry(
                    TASKS_KEY,
                    "4.1",
                    "重点任务",
                    "根据《国家高新区绿色发展专项行动实施方案》（国科发火〔2021〕28号）要求，结合主要"
                    "目标与指标，按照可操作、可实施的原则，在推动节能减排、优化绿色生态环境，加强绿色"
                    "技术供给、构建绿色技术创新体系，发展绿色产业、育强绿色产业体系等方面设计重点任务，"
                    "落实建设项目。",
                    kinds=(Kind.RICH_TEXT, Kind.KEY_TASKS),
                ),
                Entry(
                    ROADMAP_KEY,
                    "4.2",
                    "碳达峰碳中和行动路线图",
                    "做好碳达峰碳中和的行动路线图。",
                    kinds=(Kind.RICH_TEXT, Kind.ROADMAP, Kind.FIGURES),
                ),
                Entry(
                    PROJECTS_KEY,
                    "4.3",
                    "重点任务和建设项目汇总",
                    "重点任务和建设项目以列表方式汇总。重点任务应按照年度分解，落实到责任部门；"
                    "重点实施项目需列出项目必要性、实施主体、建设内容、建设周期、投资总额、实施效益等。",
                    kinds=(Kind.KEY_PROJECTS, Kind.RICH_TEXT),
                ),
            ),
        ),
        Entry(
            "ch5",
            "第五章",
            "保障措施",
            "围绕目标指标的实现、主要任务的完成、重点项目的建设，提出有切实有效的保障措施，包括组织"
            "管理保障、政策支持保障、技术支撑保障、公共服务保障等。成立推进园区绿色发展的领导小组"
            "以及绿色发展专项办公室。",
            kinds=(Kind.RICH_TEXT,),
            required=False,
            children=(
                Entry(
                    LEADING_GROUP_KEY,
                    "5.1",
                    "组织管理保障",
                    "成立推进园区绿色发展的领导小组以及绿色发展专项办公室。",
                    kinds=(Kind.RICH_TEXT, Kind.LEADING_GROUP),
                ),
                Entry("5.2", "5.2", "政策支持保障", kinds=(Kind.RICH_TEXT,)),
                Entry("5.3", "5.3", "技术支撑保障", kinds=(Kind.RICH_TEXT,)),
                Entry("5.4", "5.4", "公共服务保障", kinds=(Kind.RICH_TEXT,)),
            ),
        ),
        Entry(
            "ch6",
            "第六章",
            "支撑材料",
            "提供编制绿色发展五年行动方案相关的主要支撑材料。",
            kinds=(),
            children=(
                Entry(
                    ENERGY_TABLES_KEY,
                    "（1）",
                    "规模以上工业分品种能源消费量表",
                    "2016-2020年园区规模以上工业分品种能源消费量表。",
                    kinds=(Kind.DATA_TABLES,),
                ),
                Entry(
                    WATER_TABLES_KEY,
                    "（2）",
                    "工业用水量及污染物排放量表",
                    "2016-2020年园区规模以上工业用水量表。2016-2020年园区废水排放量，化学需氧量、"
                    "氨氮、二氧化硫、氮氧化物、固体废弃物等污染物排放量表。",
                    kinds=(Kind.DATA_TABLES,),
                ),
                Entry(
                    REPORTS_KEY,
                    "（3）",
                    "规划与报告",
                    "园区“十四五”规划、园区环境影响跟踪评价报告、园区环境质量报告书、园区土地集约"
                    "利用报告。",
                    kinds=(Kind.ATTACHMENTS,),
                    attachment_categories=ATTACHMENTS_REPORTS,
                ),
                Entry(
                    "6.4",
                    "（4）",
                    "其他支撑材料",
                    "其他必要的支撑材料。",
                    kinds=(Kind.ATTACHMENTS,),
                    required=False,
                    attachment_categories=ATTACHMENTS_OTHER,
                ),
            ),
        ),
    ),
)


# --- the reports that follow an approved plan up -----------------------------------------------
# No official template of the yearly implementation report (年度实施情况报告) or of the final
# evaluation (终期评估报告) has been published: the headings below are the portal's own, drawn
# from what the plan template asks to be broken down by year (targets "按照年度分解", tasks
# "按照年度分解，落实到责任部门") and from what the Torch Center said it would monitor and evaluate.
# Replace them with the official ones, as a new version, when a template is published.

ANNUAL_OUTLINE_VERSION = "annual-1"
FINAL_OUTLINE_VERSION = "final-1"

# The report sections other declarations fill: the indicators' actual values (indicators/), the
# task and project progress tables (plans.rows). The data tables of the report years reuse the
# plan's data table keys (ENERGY_TABLES_KEY, WATER_TABLES_KEY): indicators.tables names them.
ACTUALS_KEY = "actuals"
TASK_PROGRESS_KEY = "task_progress"
PROJECT_PROGRESS_KEY = "project_progress"

REPORT_EVIDENCE = (("evidence", "佐证材料"),)


def _report_tables(number: str, years: str) -> Entry:
    return Entry(
        "report_tables",
        number,
        "数据表",
        f"{years}园区规模以上工业分品种能源消费量、工业增加值与园区生产总值、用水量及污染物排放量。"
        "派生指标由系统按数据年份的折标系数与电网排放因子计算。",
        kinds=(),
        children=(
            Entry(
                ENERGY_TABLES_KEY,
                "（一）",
                "经济与能源消费数据",
                kinds=(Kind.DATA_TABLES,),
            ),
            Entry(
                WATER_TABLES_KEY,
                "（二）",
                "用水量及污染物排放数据",
                kinds=(Kind.DATA_TABLES,),
            ),
        ),
    )


ANNUAL_OUTLINE = Outline(
    version=ANNUAL_OUTLINE_VERSION,
    entries=(
        Entry(
            "overview",
            "一、",
            "总体进展",
            "概述本年度行动方案实施的总体情况、主要成效和组织推进情况。",
        ),
        Entry(
            ACTUALS_KEY,
            "二、",
            "指标完成情况",
            "逐项填报本年度各指标实际值及数据来源，对照行动方案本年度目标和2020年基准值说明完成情况；"
            "未达成年度目标的指标须说明原因。",
            kinds=(Kind.ACTUALS, Kind.RICH_TEXT),
        ),
        Entry(
            TASK_PROGRESS_KEY,
            "三、",
            "重点任务进展",
            "对照行动方案中本年度的任务分解，逐项说明进展；滞后、取消或调整的任务须说明原因。",
            kinds=(Kind.TASK_PROGRESS, Kind.RICH_TEXT),
        ),
        Entry(
            PROJECT_PROGRESS_KEY,
            "四、",
            "重点项目进展",
            "逐项填报重点建设项目的状态、实际开工与完工时间和累计完成投资；实施中新增的项目一并填报。",
            kinds=(Kind.PROJECT_PROGRESS, Kind.RICH_TEXT),
        ),
        Entry(
            "problems",
            "五、",
            "存在问题与原因分析",
            "分析目标未达成、任务滞后、项目延期等问题及其原因。",
        ),
        Entry(
            "next_year",
            "六、",
            "下一年度工作安排",
            "提出下一年度的重点工作和保障措施。",
        ),
        _report_tables("附表", "本年度"),
        Entry(
            "report_evidence",
            "附件",
            "佐证材料",
            "统计报表、监测报告等佐证材料。",
            kinds=(Kind.ATTACHMENTS,),
            required=False,
            attachment_categories=REPORT_EVIDENCE,
        ),
    ),
)

FINAL_OUTLINE = Outline(
    version=FINAL_OUTLINE_VERSION,
    entries=(
        Entry(
            "overview",
            "一、",
            "总体完成情况",
            "总结2021-2025年行动方案实施的总体情况和主要成效。",
        ),
        Entry(
            ACTUALS_KEY,
            "二、",
            "目标指标完成情况及分析",
            "逐项对照行动方案2025年目标和2020年基准值，说明各指标完成情况及变化趋势；"
            "对照国家高新区绿色发展目标进行分析；未达成的指标须说明原因。",
            kinds=(Kind.ACTUALS, Kind.RICH_TEXT),
        ),
        Entry(
            "implementation",
            "三、",
            "重点任务与项目完成情况",
            kinds=(),
            children=(
                Entry(
                    TASK_PROGRESS_KEY,
                    "（一）",
                    "重点任务完成情况",
                    "逐项说明重点任务的完成情况；未完成、取消或调整的任务须说明原因。",
                    kinds=(Kind.TASK_PROGRESS, Kind.RICH_TEXT),
                ),
                Entry(
                    PROJECT_PROGRESS_KEY,
                    "（二）",
                    "重点项目完成情况",
                    "逐项填报重点建设项目的完成情况和累计完成投资。",
                    kinds=(Kind.PROJECT_PROGRESS, Kind.RICH_TEXT),
                ),
            ),
        ),
        Entry(
            "roadmap_review",
            "四、",
            "碳达峰路线图执行情况",
            "对照行动方案的碳达峰碳中和行动路线图，说明各阶段目标与措施的执行情况。",
        ),
        Entry(
            "lessons",
            "五、",
            "经验与问题",
            "总结可复制推广的经验做法，分析存在的问题。",
        ),
        Entry(
            "next_period",
            "六、",
            "“十五五”时期工作思路",
            "提出“十五五”时期园区绿色发展的总体思路和重点方向。",
        ),
        _report_tables("附表", "2021-2025年"),
        Entry(
            "report_evidence",
            "附件",
            "佐证材料",
            "统计报表、监测报告、评估报告等佐证材料。",
            kinds=(Kind.ATTACHMENTS,),
            required=False,
            attachment_categories=REPORT_EVIDENCE,
        ),
    ),
)

OUTLINES = {
    OUTLINE_VERSION: OUTLINE,
    ANNUAL_OUTLINE_VERSION: ANNUAL_OUTLINE,
    FINAL_OUTLINE_VERSION: FINAL_OUTLINE,
}


def outline_for(version: str) -> Outline:
    return OUTLINES[version]
