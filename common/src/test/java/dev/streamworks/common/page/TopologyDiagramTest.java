package dev.streamworks.common.page;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TopologyDiagramTest {

    @Test
    void shouldDrawEveryTopicNodeAndStoreOfEverySubtopologyAsWellFormedSvg() throws Exception {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("readings", Consumed.with(Serdes.String(), Serdes.String()).withName("read-readings"))
                .groupBy((key, value) -> value, Grouped.with("by-value", Serdes.String(), Serdes.String()))
                .count(Named.as("count"), Materialized.as("counts-store"))
                .toStream(Named.as("counts-stream"))
                .to("counts<&>", Produced.with(Serdes.String(), Serdes.Long()).withName("write-counts"));
        Topology topology = builder.build();

        String svg = TopologyDiagram.svg(topology.describe());

        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(document.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(names(document, "topic")).containsExactlyInAnyOrder("readings", "by-value-repartition",
                "by-value-repartition", "counts<&>");
        assertThat(names(document, "store")).containsExactly("counts-store");
        assertThat(names(document, "source")).contains("read-readings");
        assertThat(names(document, "sink")).contains("write-counts");
        assertThat(document.getElementsByTagName("g").getLength()).isGreaterThan(8);
        NodeList bands = document.getElementsByTagName("text");
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < bands.getLength(); i++) {
            texts.add(bands.item(i).getTextContent());
        }
        assertThat(texts).contains("Sub-topology 0", "Sub-topology 1");
    }

    /** The {@code data-name} of every node of {@code kind}. */
    private static List<String> names(Document document, String kind) {
        List<String> names = new ArrayList<>();
        NodeList groups = document.getElementsByTagName("g");
        for (int i = 0; i < groups.getLength(); i++) {
            Element group = (Element) groups.item(i);
            if (group.getAttribute("class").equals("node " + kind)) {
                names.add(group.getAttribute("data-name"));
            }
        }
        return names;
    }
}
