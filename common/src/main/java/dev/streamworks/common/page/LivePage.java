package dev.streamworks.common.page;

import org.apache.kafka.streams.Topology;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.function.Supplier;

/**
 * What the live page at {@code /} (static {@code index.html}, {@code live/live.js}) reads besides
 * {@code /actuator/progress}: the service's topology as an SVG diagram, drawn once.
 */
@RestController
public class LivePage {

    public static final String TOPOLOGY_PATH = "/live/topology.svg";

    private final Supplier<Topology> topology;
    private volatile String svg;

    /** @param topology the running topology; null while it is not built yet */
    public LivePage(Supplier<Topology> topology) {
        this.topology = topology;
    }

    @GetMapping(value = TOPOLOGY_PATH, produces = "image/svg+xml")
    public ResponseEntity<String> topology() {
        String drawn = svg;
        if (drawn == null) {
            Topology built = topology.get();
            if (built == null) {
                return ResponseEntity.status(503).contentType(MediaType.TEXT_PLAIN)
                        .body("the topology is not built yet");
            }
            drawn = TopologyDiagram.svg(built.describe());
            svg = drawn;
        }
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).contentType(MediaType.valueOf("image/svg+xml"))
                .body(drawn);
    }
}
