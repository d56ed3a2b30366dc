package dev.lineageledger.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerRecord;
import dev.lineageledger.core.LineageDirection;
import dev.lineageledger.core.LineageGraph;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "lineage", mixinStandardHelpOptions = true,
    description = "Upstream (what it came from) or downstream (what depends on it) lineage of a record.",
    footer = {"", "Examples:", "  ledger lineage deployment:aks://prod/fraud-scoring",
        "  ledger lineage dataset:transactions@2026-11-01 --downstream --format mermaid"})
final class LineageCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerOption ledger;

  @Parameters(paramLabel = "REF", description = "Sequence number, record hash, or kind:name@version.")
  String ref;

  static final class Direction {
    @Option(names = "--upstream", description = "What the record was derived from (default).")
    boolean upstream;

    @Option(names = "--downstream", description = "Everything derived from the record.")
    boolean downstream;
  }

  @ArgGroup(exclusive = true) Direction direction;

  @Option(names = "--depth", paramLabel = "N", defaultValue = "0",
      description = "At most N edges away (default: unbounded).")
  int depth;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "tree",
      description = "tree (default), json, dot, or mermaid.")
  String format;

  @Override
  public Integer call() throws Exception {
    if (!List.of("tree", "json", "dot", "mermaid").contains(format)) {
      throw new UsageException("--format must be tree, json, dot or mermaid");
    }
    LineageDirection dir = direction != null && direction.downstream
        ? LineageDirection.DOWNSTREAM : LineageDirection.UPSTREAM;
    PrintWriter out = spec.commandLine().getOut();
    try (Ledger l = ReadOnly.open(ledger)) {
      LedgerRecord root = l.resolve(ref);
      LineageGraph g = l.lineage(root.seq(), dir, depth);
      switch (format) {
        case "json" -> out.println(Json.pretty(json(g)));
        case "dot" -> out.print(dot(g));
        case "mermaid" -> out.print(mermaid(g));
        default -> out.print(tree(g, Terminal.detect()));
      }
    }
    return ExitCodes.OK;
  }

  static ObjectNode json(LineageGraph g) {
    ObjectNode o = Json.object();
    o.put("root", g.root());
    o.put("direction", g.direction().name().toLowerCase(java.util.Locale.ROOT));
    o.put("truncated", g.truncated());
    ArrayNode nodes = o.putArray("nodes");
    g.nodes().values().stream().sorted(Comparator.comparingLong(LineageGraph.Node::seq)).forEach(n -> {
      ObjectNode x = nodes.addObject();
      x.put("seq", n.seq());
      x.put("hash", n.leafHash().hex());
      x.put("kind", n.kind());
      if (n.name() != null) {
        x.put("name", n.name());
      }
      if (n.version() != null) {
        x.put("version", n.version());
      }
      x.put("depth", n.depth());
    });
    ArrayNode edges = o.putArray("edges");
    for (LineageGraph.Link k : g.links()) {
      edges.addObject().put("from", k.src()).put("to", k.dst()).put("role", k.role());
    }
    return o;
  }

  /** Children of a node in the walked direction, in sequence order. */
  private static List<LineageGraph.Link> children(LineageGraph g, long seq) {
    List<LineageGraph.Link> out = new ArrayList<>();
    for (LineageGraph.Link k : g.links()) {
      long parent = g.direction() == LineageDirection.UPSTREAM ? k.dst() : k.src();
      long child = g.direction() == LineageDirection.UPSTREAM ? k.src() : k.dst();
      if (parent == seq && g.nodes().containsKey(child)) {
        out.add(k);
      }
    }
    out.sort(Comparator.comparingLong(k -> g.direction() == LineageDirection.UPSTREAM ? k.src() : k.dst()));
    return out;
  }

  static String tree(LineageGraph g, Terminal t) {
    StringBuilder b = new StringBuilder();
    LineageGraph.Node root = g.nodes().get(g.root());
    b.append(t.bold(label(root))).append('\n');
    Set<Long> seen = new HashSet<>();
    seen.add(g.root());
    walk(g, g.root(), "", seen, b, t);
    if (g.truncated()) {
      b.append(t.dim("(depth limit reached; use --depth to see more)")).append('\n');
    }
    return b.toString();
  }

  private static void walk(LineageGraph g, long seq, String prefix, Set<Long> seen,
      StringBuilder b, Terminal t) {
    List<LineageGraph.Link> kids = children(g, seq);
    for (int i = 0; i < kids.size(); i++) {
      LineageGraph.Link k = kids.get(i);
      boolean last = i == kids.size() - 1;
      long child = g.direction() == LineageDirection.UPSTREAM ? k.src() : k.dst();
      LineageGraph.Node n = g.nodes().get(child);
      b.append(prefix).append(last ? "└── " : "├── ").append(t.dim(k.role() + ": ")).append(label(n));
      if (!seen.add(child)) {
        b.append(t.dim(" (see above)")).append('\n');
        continue;
      }
      b.append('\n');
      walk(g, child, prefix + (last ? "    " : "│   "), seen, b, t);
    }
  }

  private static String label(LineageGraph.Node n) {
    return "#" + n.seq() + " " + n.label();
  }

  static String dot(LineageGraph g) {
    StringBuilder b = new StringBuilder("digraph lineage {\n  rankdir=LR;\n  node [shape=box];\n");
    g.nodes().values().stream().sorted(Comparator.comparingLong(LineageGraph.Node::seq)).forEach(n ->
        b.append("  n").append(n.seq()).append(" [label=\"").append(escape(label(n))).append("\"];\n"));
    for (LineageGraph.Link k : g.links()) {
      b.append("  n").append(k.src()).append(" -> n").append(k.dst()).append(" [label=\"")
          .append(escape(k.role())).append("\"];\n");
    }
    return b.append("}\n").toString();
  }

  static String mermaid(LineageGraph g) {
    StringBuilder b = new StringBuilder("graph LR\n");
    g.nodes().values().stream().sorted(Comparator.comparingLong(LineageGraph.Node::seq)).forEach(n ->
        b.append("  n").append(n.seq()).append("[\"").append(label(n).replace("\"", "#quot;"))
            .append("\"]\n"));
    for (LineageGraph.Link k : g.links()) {
      b.append("  n").append(k.src()).append(" -->|").append(k.role()).append("| n").append(k.dst())
          .append('\n');
    }
    return b.toString();
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
