package dev.lineageledger.core;

import java.util.List;
import java.util.Map;

/**
 * The closure of a record in one direction: the nodes reached (with their distance from the
 * root) and the edges walked. Edges always point the way data flowed ({@code src -> dst}).
 */
public record LineageGraph(long root, LineageDirection direction, Map<Long, Node> nodes,
    List<Link> links, boolean truncated) {

  public LineageGraph {
    nodes = Map.copyOf(nodes);
    links = List.copyOf(links);
  }

  /** A record in the graph, labelled from its kind, name and version. */
  public record Node(long seq, String kind, String name, String version, int depth, Hash leafHash) {
    public String label() {
      if (name == null) {
        return kind;
      }
      return version == null ? kind + " " + name : kind + " " + name + "@" + version;
    }
  }

  /** A lineage edge: {@code src} flowed into {@code dst}, declared through body field {@code role}. */
  public record Link(long src, long dst, String role) {}
}
