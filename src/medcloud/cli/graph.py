"""``medcloud graph STACK``: draw the region (SVG map) or its preview's resources (DOT/SVG)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXAMPLES = """examples:
  medcloud graph dev --out region.svg            the region as a map, coloured by compliance
  medcloud graph dev --format dot                the same map as Graphviz source on stdout
  medcloud graph dev --resources --out dev.dot   the preview's resource graph, like `pulumi stack graph`
"""


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "graph",
        help="draw a region (centres, links, distances) or its preview's resource graph",
        description="Draw the region as a map: centres placed by their coordinates, production → centre "
                    "distances against the 100/300 km thresholds (R-TOP-02/03), every link with kind, carrier, "
                    "bandwidth and route, coloured by the same evaluation as `validate` (model and deployed "
                    "resources). With --resources, the offline "
                    "preview's resources and their parent/dependency edges. Needs Graphviz for SVG/PNG.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("stack", metavar="STACK", help="stack name (dev), stack file or region file")
    parser.add_argument("--out", "-o", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--format", "-f", choices=("svg", "dot", "png"), default=None,
                        help="default: from --out's suffix, else svg for the map and dot for --resources")
    parser.add_argument("--resources", action="store_true", help="the preview's resource graph instead of the map")
    parser.add_argument("--model-only", action="store_true",
                        help="colour by the model checks alone (do not run the program offline)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from medcloud.graph import region_graph, render, resource_graph

    fmt = args.format or _format_for(args.out, "dot" if args.resources else "svg")
    if args.out is not None:
        from medcloud.yamlio import check_output_file

        check_output_file(args.out)  # before the work
    if args.resources:
        from medcloud.preview import preview

        graph = resource_graph(preview(args.stack).to_json([]))
    else:
        # The same evaluation as `validate`: the model and, for a stack, the resources it deploys.
        from medcloud.compliance.engine import evaluate_stack

        report, _ = evaluate_stack(args.stack, model_only=args.model_only)
        graph = region_graph(report)
    data = render(graph, fmt)
    if args.out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        from medcloud.yamlio import write_atomic

        write_atomic(args.out, data)
        print(f"wrote {args.out} ({fmt})", file=sys.stderr)
    return 0


def _format_for(out: Path | None, default: str) -> str:
    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    return suffix if suffix in {"svg", "dot", "png"} else default
