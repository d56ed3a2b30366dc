package dev.lineageledger.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.Ledger;
import dev.lineageledger.core.LedgerRecord;
import dev.lineageledger.core.LineageDirection;
import dev.lineageledger.core.LineageGraph;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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

  /** The tree view shows at most this many levels below the root ... */
  static final int TREE_MAX_DEPTH = 40;
  /** ... this many children of any one record ... */
  static final int TREE_MAX_CHILDREN = 25;
  /** ... and this many lines; --format json, dot or mermaid give the whole graph. */
  static final int TREE_MAX_LINES = 400;

  /** Children of every node in the walked direction, each list in sequence order. */
  private static Map<Long, List<LineageGraph.Link>> children(LineageGraph g) {
    boolean up = g.direction() == LineageDirection.UPSTREAM;
    Map<Long, List<LineageGraph.Link>> out = new HashMap<>();
    for (LineageGraph.Link k : g.links()) {
      long parent = up ? k.dst() : k.src();
      long child = up ? k.src() : k.dst();
      if (g.nodes().containsKey(child)) {
        out.computeIfAbsent(parent, p -> new ArrayList<>()).add(k);
      }
    }
    for (List<LineageGraph.Link> l : out.values()) {
      l.sort(Comparator.comparingLong((LineageGraph.Link k) -> up ? k.src() : k.dst())
          .thenComparing(LineageGraph.Link::role));
    }
    return out;
  }

  /**
   * How the child relates to its parent, read from the parent: an edge always points the way
   * data flowed (src to dst) and is named by the field of the record that declared it, so the
   * same edge reads differently upstream ("model &lt;- produced by transform") and downstream
   * ("transform -&gt; produced model").
   */
  static String relation(LineageDirection dir, String role) {
    boolean up = dir == LineageDirection.UPSTREAM;
    String phrase = switch (role) {
      case "outputs" -> up ? "produced by" : "produced";
      case "inputs" -> up ? "input" : "input of";
      case "subject" -> up ? "approves" : "approved in";
      case "approval" -> up ? "approved by" : "approves";
      case "model" -> up ? "deploys" : "deployed by";
      case "replaces" -> up ? "replaces" : "replaced by";
      default -> up ? role + " from" : role + " of";
    };
    return (up ? "\u2190 " : "\u2192 ") + phrase;
  }

  private record Frame(String prefix, int depth, List<LineageGraph.Link> kids, int[] next) {}

  /**
   * The lineage as an indented tree, walked iteratively (a 10,000-deep chain must not overflow
   * the stack) and bounded in depth, width and lines, with "… N more" where it was cut.
   */
  static String tree(LineageGraph g, Terminal t) {
    boolean up = g.direction() == LineageDirection.UPSTREAM;
    Map<Long, List<LineageGraph.Link>> children = children(g);
    StringBuilder b = new StringBuilder();
    b.append(t.bold(label(g.nodes().get(g.root())))).append('\n');
    Set<Long> shown = new HashSet<>();
    shown.add(g.root());
    int lines = 1;
    boolean cut = false;
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame("", 0, children.getOrDefault(g.root(), List.of()), new int[1]));
    while (!stack.isEmpty()) {
      Frame f = stack.peek();
      int i = f.next()[0];
      if (i >= f.kids().size()) {
        stack.pop();
        continue;
      }
      if (lines >= TREE_MAX_LINES) {
        cut = true;
        break;
      }
      if (i == TREE_MAX_CHILDREN) {
        b.append(f.prefix()).append("\u2514\u2500\u2500 ")
            .append(t.dim("\u2026 " + (f.kids().size() - i) + " more")).append('\n');
        lines++;
        cut = true;
        stack.pop();
        continue;
      }
      f.next()[0]++;
      LineageGraph.Link k = f.kids().get(i);
      boolean last = i + 1 == f.kids().size();
      long child = up ? k.src() : k.dst();
      b.append(f.prefix()).append(last ? "\u2514\u2500\u2500 " : "\u251c\u2500\u2500 ")
          .append(t.dim(relation(g.direction(), k.role()))).append(' ')
          .append(label(g.nodes().get(child)));
      lines++;
      if (!shown.add(child)) {
        b.append(t.dim(" (see above)")).append('\n');
        continue;
      }
      b.append('\n');
      List<LineageGraph.Link> grandchildren = children.getOrDefault(child, List.of());
      String prefix = f.prefix() + (last ? "    " : "\u2502   ");
      if (grandchildren.isEmpty()) {
        continue;
      }
      if (f.depth() + 1 >= TREE_MAX_DEPTH) {
        b.append(prefix).append("\u2514\u2500\u2500 ").append(t.dim("\u2026")).append('\n');
        lines++;
        cut = true;
        continue;
      }
      stack.push(new Frame(prefix, f.depth() + 1, grandchildren, new int[1]));
    }
    if (cut) {
      int more = g.nodes().size() - shown.size();
      b.append(t.dim("\u2026 " + more + " more record" + (more == 1 ? "" : "s") + " not shown (the tree"
          + " shows " + TREE_MAX_DEPTH + " levels, " + TREE_MAX_CHILDREN + " branches per record and "
          + TREE_MAX_LINES + " lines; --format json, dot or mermaid show the whole graph)"))
          .append('\n');
    }
    if (g.truncated()) {
      b.append(t.dim("(depth limit reached; use --depth to see more)")).append('\n');
    }
    return b.toString();
  }

  private static String label(LineageGraph.Node n) {
    // Stored text is escaped (as in log and show): a name from an older ledger could still hold
    // a newline or a terminal escape sequence.
    return "#" + n.seq() + " " + dev.lineageledger.core.internal.TextRules.escape(n.label());
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
