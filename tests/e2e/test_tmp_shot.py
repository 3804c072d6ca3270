import pytest

pytestmark = pytest.mark.e2e


def test_shot(world, plan, session, live_server):
    page = session(world.editor_a)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{live_server.url}/plans/{plan.pk}/preview/")
    page.wait_for_load_state("networkidle")
    for caption in ("表 重点任务", "表 重点建设项目汇总", "表 绿色发展主要指标"):
        table = page.locator("table", has_text=caption).first
        table.scroll_into_view_if_needed()
        table.screenshot(path=f"/tmp/pdfwork/shot-{caption[2:6]}.png")
