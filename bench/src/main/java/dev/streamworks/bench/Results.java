package dev.streamworks.bench;

/** What one run measured. */
final class Results {

    private Results() {
    }

    /**
     * One drain run.
     *
     * @param eventsPerSecond     the service: backlog / (output complete - first record processed)
     * @param plainPerSecond      a plain consumer reading the same topic, same run
     * @param cpuSecondsPerMillion the service's CPU seconds (user + system) over the drain, per million events
     * @param peakRssMb           the service's peak resident set (VmHWM) at the end of the drain
     * @param writesPerEvent      records the service wrote (repartition, changelog, output, late and DLQ
     *                            topics; transaction markers included) per input event
     * @param lateRecords         records routed to the late topic, summed over the windowed outputs
     * @param startToRunningSec   JVM launch to the first record processed (an upper bound on launch to RUNNING)
     * @param loadAtStart         1-minute load average when the run started
     * @param cpuSecondsFromLaunch the service's CPU seconds from JVM launch to the output complete
     * @param lateInjected        events of the backlog made late ({@code --late-share})
     * @param lateIdsFound        distinct event ids in the late topic after the drain
     * @param lateExact           those ids are exactly the injected ones
     */
    record Drain(double eventsPerSecond, double plainPerSecond, double cpuSecondsPerMillion, double peakRssMb,
                 double writesPerEvent, long lateRecords, double startToRunningSec, double drainSeconds, double loadAtStart,
                 java.time.Instant from, java.time.Instant until, double cpuSecondsFromLaunch,
                 long lateInjected, long lateIdsFound, boolean lateExact) {

        double ratio() {
            return eventsPerSecond / plainPerSecond;
        }

        /** JVM launch to the output complete: start-up counted, as for the peer. */
        double launchToDrainedSec() {
            return startToRunningSec + drainSeconds;
        }
    }

    /**
     * One drain of the same backlog by the peer (Spark), in its own JVM.
     *
     * @param launchToDrainedSec  process launch to every query terminated (AvailableNow: the backlog is processed)
     * @param launchToStartedSec  process launch to every query started (session built, before any batch ran)
     * @param cpuSeconds          the process's CPU seconds (user + system) from launch to drained
     * @param peakRssMb           its peak resident set (VmHWM) when drained
     * @param inputRows           input rows each query read, by query name
     * @param loadAtStart         1-minute load average when the peer was launched
     */
    record PeerDrain(double launchToDrainedSec, double launchToStartedSec, double cpuSeconds, double peakRssMb,
                     java.util.Map<String, Long> inputRows, double loadAtStart) {
    }

    /**
     * One latency run.
     *
     * @param p50Ms ... maxMs   end-to-end latency percentiles in milliseconds
     * @param measured          inputs measured (sent during the measurement interval)
     * @param missing           measured inputs no output included by the end of the drain-out
     * @param achievedRate      inputs per second actually sent during the measurement
     * @param peakRssMb         the service's VmHWM at the end
     * @param maxSampledRssMb   the largest VmRSS sampled during the measurement
     * @param cpuCores          the service's CPU seconds per second during the measurement
     */
    record Latency(double p50Ms, double p95Ms, double p99Ms, double maxMs, long measured, long missing,
                   double achievedRate, double peakRssMb, double maxSampledRssMb, double cpuCores,
                   double startToRunningSec, double loadAtStart,
                   java.time.Instant from, java.time.Instant until) {
    }
}
