package dev.streamworks.bench;

import java.util.ArrayList;
import java.util.List;

/** One pipeline and backlog size drained by the service and by the peer, run after run on the same broker. */
final class PeerScenario {

    /** One run: both sides on the same backlog; a side that failed has its reason instead of a result. */
    record Run(Results.Drain ours, String oursFailure, Results.PeerDrain peer, String peerFailure, double loadAtStart) {

        boolean paired() {
            return ours != null && peer != null;
        }

        /** How many times faster the service drained than the peer, both from launch (> 1: faster). */
        double speedup() {
            return peer.launchToDrainedSec() / ours.launchToDrainedSec();
        }
    }

    final String pipeline;
    final int events;
    final List<Run> runs = new ArrayList<>();

    PeerScenario(String pipeline, int events) {
        this.pipeline = pipeline;
        this.events = events;
    }

    List<Results.Drain> ours() {
        return runs.stream().map(Run::ours).filter(java.util.Objects::nonNull).toList();
    }

    List<Results.PeerDrain> peers() {
        return runs.stream().map(Run::peer).filter(java.util.Objects::nonNull).toList();
    }

    List<Run> paired() {
        return runs.stream().filter(Run::paired).toList();
    }
}
