"""python manage.py report --unit CODE --period 2023-H1 [--as-of 2023-07-15]
--format json|pdf|xlsx -o PATH — the figures of a return for machines and archives."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from reports.documents import letterhead, return_pdf
from reports.excel import return_xlsx
from reports.indicators import compute
from reports.periods import PeriodError, parse_as_of
from reports.selectors import period_for
from units.models import Unit


class Command(BaseCommand):
    help = "Xuất số liệu báo cáo định kỳ của một đơn vị (JSON, PDF hoặc Excel)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="mã đơn vị")
        parser.add_argument("--period", required=True, help="2023, 2023-H1, 2023-Q3, ...")
        parser.add_argument("--as-of", default="", help="ngày tính quân số (YYYY-MM-DD)")
        parser.add_argument("--format", choices=["json", "pdf", "xlsx"], default="json")
        parser.add_argument("-o", "--output", default="-", help="tệp ghi ra ('-': màn hình)")

    def handle(self, *args, **options):
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã “{options['unit']}”.")
        try:
            period = period_for(unit, options["period"])
            as_of = parse_as_of(options["as_of"], period)
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        figures = compute(unit, period, as_of)
        fmt = options["format"]
        if fmt == "json":
            data = json.dumps(figures, ensure_ascii=False, indent=2).encode()
        elif fmt == "pdf":
            data = return_pdf(figures, letterhead(unit, period))
        else:
            data = return_xlsx(figures)
        if options["output"] == "-":
            if fmt != "json":
                raise CommandError("Tệp PDF/Excel cần tham số -o TÊN_TỆP.")
            sys.stdout.write(data.decode() + "\n")
        else:
            with open(options["output"], "wb") as out:
                out.write(data)
            self.stdout.write(f"Đã ghi {options['output']} ({len(data)} byte).")
