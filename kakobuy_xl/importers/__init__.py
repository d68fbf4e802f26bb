"""Imports from chats, e-mail and marketplace exports.

Parsers are pure and usable alone (:func:`parse_whatsapp`, :func:`parse_eml`,
:func:`parse_mbox`, :func:`read_shop_export`); :func:`import_file` turns a file into
rows of the workbook (Customers, Orders, Interactions, Disputes, Evidence), staged
through the workbook's I/O, never saved here.

>>> parse_whatsapp("[24/12/19 11:23:00] Kim: where is my parcel?").messages["author"].tolist()
['Kim']
"""

from .mail import Attachment, MailMessage, MailParse, html_to_text, parse_eml, parse_mbox
from .records import IMPORT_KINDS, ImportResult, import_file
from .shops import (MAPPING_FIELDS, SHOP_KINDS, ShopExport, dispute_type_of, load_mapping,
                    read_shop_export, save_mapping)
from .sources import ChatArchive, read_whatsapp_zip
from .whatsapp import ChatParse, parse_whatsapp

__all__ = [
    "Attachment",
    "ChatArchive",
    "ChatParse",
    "IMPORT_KINDS",
    "ImportResult",
    "MAPPING_FIELDS",
    "MailMessage",
    "MailParse",
    "SHOP_KINDS",
    "ShopExport",
    "dispute_type_of",
    "html_to_text",
    "import_file",
    "load_mapping",
    "parse_eml",
    "parse_mbox",
    "parse_whatsapp",
    "read_shop_export",
    "read_whatsapp_zip",
    "save_mapping",
]
