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
     */
    record Drain(double eventsPerSecond, double plainPerSecond, double cpuSecondsPerMillion, double peakRssMb,
                 double writesPerEvent, long lateRecords, double startToRunningSec, double drainSeconds, double loadAtStart,
                 java.time.Instant from, java.time.Instant until) {

        double ratio() {
            return eventsPerSecond / plainPerSecond;
        }
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
