"""A member-table row whose name OCR read as a line of its own under its code, type and role cells (dev seed
1471 #003, a skewed JPEG: 12500119131765003N | 事业单位（ | 牵头单位, then 重庆市新桥数字化转型促进中心 | 公益一类）):
two table rows, so the table said 5 members against the agreement's 4 (consortium.size review). One row."""
from __future__ import annotations

from test_extract_meaning import OSS_COVER, facts, page

HEADER = [(0.1, "序号"), (0.15, "单位名称"), (0.35, "统一社会信用代码"), (0.55, "单位性质"), (0.7, "承担角色"), (0.85, "联系人")]


def test_name_read_under_its_row_joins_it():
    rows = ["联合体成员单位一览表", HEADER,
            [(0.1, "1"), (0.35, "12500119131765003N"), (0.55, "事业单位（"), (0.7, "牵头单位"), (0.85, "蔡梓萱")],
            [(0.15, "重庆市新桥数字化转型促进中心"), (0.55, "公益一类）")],
            [(0.1, "2"), (0.15, "重庆市鹿鸣开源技术协会"), (0.35, "51500119554657741K"), (0.55, "社会团体法人"),
             (0.7, "开源代码贡献单位"), (0.85, "董芳")],
            "联合体各方（盖章）："]
    f = facts(page(OSS_COVER), page(rows, n=2))
    assert f.consortium_list.value == 2, f.consortium_list
    got = sorted((m.name.value, m.uscc.value, m.roles) for m in f.consortium)
    assert got == [("重庆市新桥数字化转型促进中心", "12500119131765003N", ("lead",)),
                   ("重庆市鹿鸣开源技术协会", "51500119554657741K", ("code_contributor",))]
