"""一类事 are named by their category and their most telling words (jieba's words, issues.words),
not by character pairs that straddle two words ("面坑 · 坑洼 · 路面", "座椅 · 息座 · 议在")."""

from issues import themes, words
from issues.models import Category, Issue
from tests import factories
from tests.desk.conftest import many_issues

ROADS = [
    "永嘉路上的路面有个大坑，下雨天全是积水",
    "弄堂口的路面有个大坑，老人走路差点摔倒",
    "路面坑洼不平，下雨天积水，电瓶车骑过去很危险",
    "门口路面有个大坑，希望尽快修补",
]
BENCHES = [
    "花园里的休息座椅坏了，坐不了",
    "小花园的座椅坏了好几把，老人没地方休息",
    "建议在花园里多放几把座椅，现在的座椅太少",
]
LAMPS = [
    "楼道灯不亮了，晚上很黑",
    "三号楼楼道灯坏了好几天，晚上上下楼看不见",
    "楼道里的灯晚上不亮，老人怕摔跤",
]
# The rest of a month's window: other matters, one report each.
OTHERS = [
    "垃圾分类几点收",
    "小区里有人遛狗不牵绳",
    "隔壁装修噪音太大，中午也在敲",
    "想问一下老年卡怎么办",
    "楼上漏水到我家卫生间",
    "电梯又停了，八楼的老人下不来",
    "快递柜旁边堆满了纸箱",
    "绿化带里的树枝挡住了窗户",
    "有人在楼下烧东西，烟很大",
    "停车位被外来车辆占了",
    "自来水有股怪味",
    "下水道堵了，污水冒出来",
    "小区门禁卡丢了怎么补办",
    "社区食堂几点开门",
    "窨井盖松动，踩上去会响",
    "晚上广场舞音乐太响",
    "消防通道被电瓶车堵住",
    "外墙瓷砖掉下来了，很危险",
    "想报名社区的书法班",
    "健身器材的螺丝松了",
]


def spread(world, texts, **fields) -> None:
    """One report each, at different places (so that no place theme takes them first)."""
    places = [world.loc, world.loc2, factories.location(world.grid), factories.location(world.grid2)]
    for n, text in enumerate(texts):
        many_issues(places[n % len(places)], 1, description=text, **fields)


def text_themes(found) -> dict[str, themes.Theme]:
    return {t.title: t for t in found if t.how == "text"}


def all_words(texts) -> set[str]:
    return {w for text in texts for w in words.words(text)}


def test_a_theme_is_named_by_its_category_and_telling_words(world):
    roads = Category.objects.create(name="道路", slug="roads")
    spread(world, ROADS, category=roads)
    spread(world, BENCHES)
    spread(world, OTHERS)
    found = text_themes(themes.recurring(Issue.objects.all()))
    assert len(found) == 2, list(found)
    road_title = next(t for t in found if t.startswith("道路 · "))
    bench_title = next(t for t in found if "座椅" in t)
    assert "路面" in road_title.split(" · ")
    assert found[road_title].count == 4 and found[bench_title].count == 3
    # Every part after the category is a word of the reports, not a pair across two words.
    for title, texts in ((road_title, ROADS), (bench_title, BENCHES)):
        parts = [p for p in title.split(" · ") if p != "道路"]
        assert 1 <= len(parts) <= themes.TITLE_WORDS
        assert set(parts) <= all_words(texts), (title, all_words(texts))
        assert not {"面坑", "面有", "息座", "议在", "坏了"} & set(parts)


def test_without_a_shared_category_a_theme_is_named_by_its_words_alone(world):
    spread(world, LAMPS)
    spread(world, OTHERS)
    (title,) = text_themes(themes.recurring(Issue.objects.all()))
    parts = title.split(" · ")
    assert parts[0] in ("楼道", "楼道灯") and "晚上" in parts and len(parts) <= themes.TITLE_WORDS


def test_words_are_words_and_no_filler():
    assert words.words("请问老年卡在哪里办理？") == ["老年卡", "办理"]
    assert words.words("楼道里有人飞线充电，电瓶车停在楼道") == ["楼道", "飞线充电", "电瓶车", "楼道"]
    assert words.words("，。！ 的 了 a") == []


def test_loading_the_dictionary_prints_no_banner_and_keeps_its_cache(tmp_path):
    """jieba says "Building prefix dict…" and "Loading model cost…" on stderr unless told not to;
    its cache file goes under VAR_DIR/cache/, so the next process reads it instead of rebuilding."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {**os.environ, "DEBUG": "1", "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "minqing.settings"}
    script = "import django; django.setup(); from issues import words; print(words.words('路灯不亮了'))"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['路灯', '不亮']"
    assert "prefix dict" not in done.stderr and "Loading model" not in done.stderr, done.stderr
    assert list((tmp_path / "cache").glob("jieba*.cache"))
