package dev.streamworks.differential.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Places the changes of a table topic at chunk starts, where a live run can order them for sure. */
final class Tables {

    private Tables() {
    }

    /**
     * Moves each record of {@code tableTopic} (in production order) to the start of the nearest
     * chunk, at or after its place, that holds no record of the same key in {@code entityTopic}:
     * a live run waits for every earlier chunk to be processed before it sends the change, and the
     * chunk right after carries no record the change could race with.
     *
     * @return the new production order; {@code chunkStart} is updated in place
     */
    static List<Rec> placeChanges(List<Rec> order, List<Integer> chunkStart, String tableTopic,
                                  Set<String> entityTopics) {
        List<Rec> changes = order.stream().filter(rec -> rec.topic().equals(tableTopic)).toList();
        List<Rec> rest = new ArrayList<>(order);
        List<Integer> wanted = new ArrayList<>();
        for (Rec change : changes) {
            int index = rest.indexOf(change);
            wanted.add(index);
            rest.remove(index);
        }
        List<Integer> starts = Layout.chunks(rest, Math.max(1, rest.size() / Math.max(1, chunkStart.size())));
        List<List<Rec>> chunks = new ArrayList<>();
        for (int c = 0; c < starts.size(); c++) {
            chunks.add(new ArrayList<>(rest.subList(starts.get(c), c + 1 < starts.size() ? starts.get(c + 1) : rest.size())));
        }
        for (int i = 0; i < changes.size(); i++) {
            Rec change = changes.get(i);
            int position = wanted.get(i);
            int chunk = 0;
            while (chunk + 1 < starts.size() && starts.get(chunk + 1) <= position) {
                chunk++;
            }
            Predicate<Rec> sameKey = rec -> entityTopics.contains(rec.topic()) && change.key().equals(rec.key());
            int target = chunk;
            while (target < chunks.size() && chunks.get(target).stream().anyMatch(sameKey)) {
                target++;
            }
            if (target == chunks.size()) {
                chunks.add(new ArrayList<>());
            }
            chunks.get(target).add(0, change);
        }
        List<Rec> placed = new ArrayList<>();
        chunkStart.clear();
        for (List<Rec> chunk : chunks) {
            chunkStart.add(placed.size());
            placed.addAll(chunk);
        }
        return placed;
    }
}
