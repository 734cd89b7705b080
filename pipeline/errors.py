"""Typed input failures with stable codes and one plain line for the reviewer.

Modelled on OCRmyPDF's exit-code exceptions: the code is for machines and the summary, the
message is what a reviewer reads (Chinese first, then English).
"""
from __future__ import annotations

from pipeline.model import DocumentError

MESSAGES: dict[str, str] = {
    "empty_file": "文件为空（0 字节） / empty file",
    "truncated": "文件不完整或已损坏，无法读取 / file is truncated or corrupt",
    "encrypted_pdf": "PDF 已加密，需要密码才能打开 / encrypted PDF needs a password",
    "unsupported_type": "不支持的文件类型 / unsupported file type",
    "decompression_bomb": "图像尺寸异常巨大，疑似压缩炸弹，已拒绝 / image is implausibly large (decompression bomb)",
    "too_many_pages": "页数超过上限，只处理了前面的页 / page limit exceeded, later pages skipped",
    "page_unreadable": "该页无法读取 / page could not be read",
    "ocr_failed": "OCR 识别失败 / OCR failed",
    "ocr_timeout": "OCR 识别超时 / OCR timed out",
    "no_pages": "文件中没有可读的页面 / no readable pages",
    "unsafe_entry": "压缩包条目不安全，未解压 / unsafe archive entry not extracted",
    "internal_error": "处理时发生内部错误 / internal error while processing",
    "not_a_file": "不是普通文件（管道、套接字或设备），未读取 / not a regular file, not read",
    "unreadable": "文件无法读取 / file cannot be read",
    "page_budget": "页数超过每份材料的上限，后面的页未读 / page budget reached, later pages not read",
    "time_budget": "处理时间超过每份材料的上限，后面的页未读 / time budget reached, later pages not read",
    "page_downscaled": "页面尺寸异常巨大，按像素上限缩小后读取 / oversized page read at reduced resolution",
}


class InputError(Exception):
    """A file (or page) that cannot be read. Caught per submission, never fatal to a run."""

    def __init__(self, code: str, detail: str = "", *, file: str = "", page: int | None = None):
        self.code = code
        self.detail = detail
        self.file = file
        self.page = page
        super().__init__(self.message)

    @property
    def message(self) -> str:
        base = MESSAGES.get(self.code, self.code)
        return f"{base}: {self.detail}" if self.detail else base

    def to_error(self) -> DocumentError:
        return DocumentError(code=self.code, message=self.message, file=self.file, page=self.page)


class RunError(Exception):
    """The run as a whole cannot start (missing bundle, bad rules file, unreadable credit list)."""
