package dev.streamworks.common.page;

import org.apache.kafka.streams.TopologyDescription;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A topology as an SVG diagram, drawn from {@code Topology#describe()}: one band per
 * sub-topology, its input topics on top, then its source, processor and sink nodes by depth,
 * the topics it writes below, and each state store beside the processors that use it. A topic
 * appears in every sub-topology that reads or writes it, so a repartition topic links two bands
 * by name. Nodes are laid out in layers (longest path from the inputs), ordered in each layer by
 * the mean position of their parents.
 */
public final class TopologyDiagram {

    private static final int CHAR_WIDTH = 7;
    private static final int PAD = 12;
    private static final int NODE_HEIGHT = 26;
    private static final int ROW_GAP = 30;
    private static final int COLUMN_GAP = 14;
    private static final int BAND_TITLE = 28;
    private static final int BAND_GAP = 24;
    private static final int MARGIN = 16;

    enum Kind { TOPIC, SOURCE, PROCESSOR, SINK, STORE }

    /** One box of the drawing; {@code id} is unique across kinds ({@code topic:x}, {@code node:x}, {@code store:x}). */
    static final class Box {
        final String id;
        final String label;
        final Kind kind;
        final List<Box> parents = new ArrayList<>();
        int layer;
        double x;
        double y;
        double order;

        Box(String id, String label, Kind kind) {
            this.id = id;
            this.label = label;
            this.kind = kind;
        }

        double width() {
            return label.length() * CHAR_WIDTH + 2 * PAD;
        }
    }

    record Edge(Box from, Box to, boolean store) {
    }

    private TopologyDiagram() {
    }

    /** The diagram of {@code description} as a standalone SVG document. */
    public static String svg(TopologyDescription description) {
        List<String> bands = new ArrayList<>();
        List<Double> widths = new ArrayList<>();
        List<Double> heights = new ArrayList<>();
        List<TopologyDescription.Subtopology> subtopologies = new ArrayList<>(description.subtopologies());
        subtopologies.sort(Comparator.comparingInt(TopologyDescription.Subtopology::id));
        for (TopologyDescription.Subtopology subtopology : subtopologies) {
            double[] size = new double[2];
            bands.add(band("Sub-topology " + subtopology.id(), subtopology.nodes(), size));
            widths.add(size[0]);
            heights.add(size[1]);
        }
        List<TopologyDescription.GlobalStore> globals = new ArrayList<>(description.globalStores());
        globals.sort(Comparator.comparingInt(TopologyDescription.GlobalStore::id));
        for (TopologyDescription.GlobalStore global : globals) {
            double[] size = new double[2];
            bands.add(band("Global store " + global.id(), Set.of(global.source(), global.processor()), size));
            widths.add(size[0]);
            heights.add(size[1]);
        }
        double width = widths.stream().mapToDouble(Double::doubleValue).max().orElse(200) + 2 * MARGIN;
        double height = MARGIN + heights.stream().mapToDouble(h -> h + BAND_GAP).sum();
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(java.util.Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"topology\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
                        + "height=\"%.0f\" font-family=\"monospace\" font-size=\"12\">", width, height, width, height));
        svg.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
                + "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#667\"/>"
                + "</marker></defs>");
        double y = MARGIN;
        for (int i = 0; i < bands.size(); i++) {
            svg.append(String.format(java.util.Locale.ROOT, "<g class=\"subtopology\" transform=\"translate(%d %.0f)\">",
                    MARGIN, y));
            svg.append(bands.get(i)).append("</g>");
            y += heights.get(i) + BAND_GAP;
        }
        return svg.append("</svg>").toString();
    }

    /** One sub-topology's drawing at the origin; {@code size} receives its width and height. */
    private static String band(String title, Set<? extends TopologyDescription.Node> nodes, double[] size) {
        Map<String, Box> boxes = new LinkedHashMap<>();
        List<Edge> edges = new ArrayList<>();
        List<TopologyDescription.Node> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(TopologyDescription.Node::name));
        for (TopologyDescription.Node node : sorted) {
            Kind kind = node instanceof TopologyDescription.Source ? Kind.SOURCE
                    : node instanceof TopologyDescription.Sink ? Kind.SINK : Kind.PROCESSOR;
            boxes.put("node:" + node.name(), new Box("node:" + node.name(), node.name(), kind));
        }
        for (TopologyDescription.Node node : sorted) {
            Box box = boxes.get("node:" + node.name());
            if (node instanceof TopologyDescription.Source source) {
                Set<String> topics = source.topicSet() != null ? new TreeSet<>(source.topicSet())
                        : new TreeSet<>(Set.of(String.valueOf(source.topicPattern())));
                for (String topic : topics) {
                    edges.add(new Edge(boxes.computeIfAbsent("topic:" + topic, id -> new Box(id, topic, Kind.TOPIC)),
                            box, false));
                }
            }
            if (node instanceof TopologyDescription.Sink sink) {
                String topic = sink.topic() != null ? sink.topic() : "(topic chosen per record)";
                edges.add(new Edge(box, boxes.computeIfAbsent("topic:" + topic, id -> new Box(id, topic, Kind.TOPIC)),
                        false));
            }
            if (node instanceof TopologyDescription.Processor processor) {
                for (String store : new TreeSet<>(processor.stores())) {
                    edges.add(new Edge(box, boxes.computeIfAbsent("store:" + store, id -> new Box(id, store, Kind.STORE)),
                            true));
                }
            }
            List<TopologyDescription.Node> successors = new ArrayList<>(node.successors());
            successors.sort(Comparator.comparing(TopologyDescription.Node::name));
            for (TopologyDescription.Node successor : successors) {
                Box to = boxes.get("node:" + successor.name());
                if (to != null) {
                    edges.add(new Edge(box, to, false));
                }
            }
        }
        for (Edge edge : edges) {
            edge.to().parents.add(edge.from());
        }
        layer(boxes.values());
        List<List<Box>> rows = rows(boxes.values());
        double width = place(rows);
        double height = BAND_TITLE + rows.size() * (NODE_HEIGHT + ROW_GAP) - ROW_GAP + 8;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(java.util.Locale.ROOT, "<rect class=\"band\" x=\"-8\" y=\"0\" width=\"%.0f\" "
                + "height=\"%.0f\" rx=\"6\" fill=\"#f6f7fb\" stroke=\"#d5d8e3\"/>", width + 16, height));
        svg.append("<text class=\"band-title\" x=\"0\" y=\"18\" font-weight=\"bold\">").append(escape(title))
                .append("</text>");
        for (Edge edge : edges) {
            double x1 = edge.from().x + edge.from().width() / 2;
            double y1 = edge.from().y + NODE_HEIGHT;
            double x2 = edge.to().x + edge.to().width() / 2;
            double y2 = edge.to().y;
            double mid = (y1 + y2) / 2;
            svg.append(String.format(java.util.Locale.ROOT,
                    "<path class=\"edge%s\" d=\"M %.1f %.1f C %.1f %.1f, %.1f %.1f, %.1f %.1f\" fill=\"none\" "
                            + "stroke=\"#667\" stroke-width=\"1.2\"%s/>",
                    edge.store() ? " store-edge" : "", x1, y1, x1, mid, x2, mid, x2, y2,
                    edge.store() ? " stroke-dasharray=\"4 3\"" : " marker-end=\"url(#arrow)\""));
        }
        for (Box box : boxes.values()) {
            String fill = switch (box.kind) {
                case TOPIC -> "#dbeafe";
                case STORE -> "#fef3c7";
                case SOURCE, SINK -> "#e0f2e9";
                case PROCESSOR -> "#ffffff";
            };
            double rx = box.kind == Kind.TOPIC ? NODE_HEIGHT / 2.0 : box.kind == Kind.STORE ? 8 : 3;
            String kind = box.kind.name().toLowerCase(java.util.Locale.ROOT);
            svg.append(String.format(java.util.Locale.ROOT, "<g class=\"node %s\" data-name=\"%s\">"
                            + "<title>%s %s</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"%.0f\" "
                            + "fill=\"%s\" stroke=\"#556\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text></g>",
                    kind, escape(box.label), kind, escape(box.label), box.x, box.y, box.width(), NODE_HEIGHT, rx, fill,
                    box.x + box.width() / 2, box.y + NODE_HEIGHT / 2.0 + 4, escape(box.label)));
        }
        size[0] = width;
        size[1] = height;
        return svg.toString();
    }

    /** Longest path from the boxes without parents; a cycle (none in a topology) is cut at its first repeat. */
    private static void layer(Iterable<Box> boxes) {
        Map<Box, Integer> memo = new HashMap<>();
        for (Box box : boxes) {
            box.layer = depth(box, memo, new java.util.HashSet<>());
        }
    }

    private static int depth(Box box, Map<Box, Integer> memo, Set<Box> path) {
        Integer known = memo.get(box);
        if (known != null) {
            return known;
        }
        if (!path.add(box)) {
            return 0;
        }
        int depth = 0;
        for (Box parent : box.parents) {
            depth = Math.max(depth, depth(parent, memo, path) + 1);
        }
        path.remove(box);
        memo.put(box, depth);
        return depth;
    }

    /** The boxes by layer, each layer ordered by the mean order of its boxes' parents. */
    private static List<List<Box>> rows(Iterable<Box> boxes) {
        List<List<Box>> rows = new ArrayList<>();
        for (Box box : boxes) {
            while (rows.size() <= box.layer) {
                rows.add(new ArrayList<>());
            }
            rows.get(box.layer).add(box);
        }
        for (List<Box> row : rows) {
            for (Box box : row) {
                box.order = box.parents.isEmpty() ? row.indexOf(box)
                        : box.parents.stream().mapToDouble(parent -> parent.order).average().orElse(0);
            }
            row.sort(Comparator.comparingDouble((Box box) -> box.order).thenComparing(box -> box.id));
            for (int i = 0; i < row.size(); i++) {
                row.get(i).order = i;
            }
        }
        return rows;
    }

    /** Coordinates of every box, rows centred on the widest; returns that width. */
    private static double place(List<List<Box>> rows) {
        double width = 0;
        for (List<Box> row : rows) {
            width = Math.max(width, rowWidth(row));
        }
        for (int r = 0; r < rows.size(); r++) {
            List<Box> row = rows.get(r);
            double x = (width - rowWidth(row)) / 2;
            for (Box box : row) {
                box.x = x;
                box.y = BAND_TITLE + r * (NODE_HEIGHT + ROW_GAP);
                x += box.width() + COLUMN_GAP;
            }
        }
        return width;
    }

    private static double rowWidth(List<Box> row) {
        return row.stream().mapToDouble(Box::width).sum() + Math.max(0, row.size() - 1) * COLUMN_GAP;
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
