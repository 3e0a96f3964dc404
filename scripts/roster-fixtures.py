#!/usr/bin/env python3
"""Writes the roster fixtures "as schools have them" with XlsxWriter, a
spreadsheet writer independent of the server's reader (pip install
xlsxwriter). The files are checked in under infra/samples/ and read by
tests/tests/roster_forms.rs; run this again only to change them.

- students-s2-as-typed.xlsx: a title row and a date row above the header,
  headers with stray spaces and a required-mark, 学号 and 年级 stored as
  numbers, class names in full-width brackets and short forms (七(2)班,
  初一(3)班, 7.1, 8年级 2班), phone numbers with spaces, dashes and +86.
- students-s2-as-typed-bad.xlsx: the same layout with an unknown class, a
  short phone number and a duplicate 学号, so the row numbers (title rows
  counted) and columns of the problems can be checked.
"""

import os
import sys

import xlsxwriter

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "infra", "samples")

HEADERS = [" 学号 ", "姓名", "性别*", "年级", "班　级", "家长姓名", "家长电话", "家长关系", "住在城镇"]


def write(name, rows):
    wb = xlsxwriter.Workbook(os.path.join(OUT, name))
    ws = wb.add_worksheet("学生名单")
    title = wb.add_format({"bold": True, "font_size": 14})
    ws.merge_range(0, 0, 0, len(HEADERS) - 1, "2026学年 初中部学生名单（教务系统导出）", title)
    ws.write(1, 0, "导出日期：2026-09-01")
    for c, h in enumerate(HEADERS):
        ws.write(2, c, h)
    for r, row in enumerate(rows, start=3):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, (int, float)):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, v)
    wb.close()


GOOD = [
    [20262070191, "许晨", "男", 7, "七年级（1）班", "许建军", "138 0000 0091", "父亲", "是"],
    [20262070192, " 罗一鸣 ", "女", "七年级", "七(2)班", "罗红", "138-0000-0092", "母亲", "否"],
    [20262070193, "韩思齐", "男", None, "初一(3)班", "韩梅", "+86 138 0000 0093", "母亲", "是"],
    [20262070194, "钱多多", "女", 7, "7.1", None, None, None, "否"],
    [20262080195, "孙一", "男", 8, "8年级 2班", "孙立", "13800000095", None, "是"],
]

BAD = [
    [20262070196, "周周", "男", 7, "七(9)班", "周父", "138 0000 0096", "父亲", "是"],
    [20262070197, "吴吴", "女", 7, "七(1)班", "吴母", "138 0000", "母亲", "是"],
    [20262070196, "郑郑", "男", 7, "7.2", None, None, None, "否"],
]

if __name__ == "__main__":
    write("students-s2-as-typed.xlsx", GOOD)
    write("students-s2-as-typed-bad.xlsx", BAD)
    sys.exit(0)
