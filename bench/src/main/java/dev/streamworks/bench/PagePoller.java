package dev.streamworks.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A live page held open on the service ({@code --page}), as a browser holds it: the page, its
 * script, its chart library, the progress history and the topology diagram once, then
 * {@code /actuator/progress} every 2 seconds, exactly what {@code live.js} asks for.
 */
final class PagePoller implements AutoCloseable {

    static final long POLL_MS = 2000;
    static final List<String> ON_LOAD = List.of("/", "/live/live.css", "/live/live.js",
            "/webjars/uplot/dist/uPlot.iife.min.js", "/webjars/uplot/dist/uPlot.min.css", "/actuator/progress/recent",
            "/actuator/progress", "/live/topology.svg");

    private final ServiceProcess service;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bench-page");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    private PagePoller(ServiceProcess service) {
        this.service = service;
    }

    /** Opens the page now and keeps it open until {@link #close()}. */
    static PagePoller open(ServiceProcess service) {
        PagePoller page = new PagePoller(service);
        page.scheduler.execute(() -> ON_LOAD.forEach(page::get));
        page.scheduler.scheduleAtFixedRate(() -> page.get("/actuator/progress"), POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
        return page;
    }

    private void get(String path) {
        try {
            int status = service.request(path).statusCode();
            requests.incrementAndGet();
            if (status != 200) {
                failures.incrementAndGet();
            }
        } catch (IOException e) {
            failures.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long requests() {
        return requests.get();
    }

    long failures() {
        return failures.get();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /**
     * The service's CPU time for one answer of {@code /actuator/progress}, in milliseconds: {@code n}
     * requests in a row on the idle service (after the drain), its process CPU time divided by them.
     */
    static double cpuMsPerProgressAnswer(ServiceProcess service, int n) throws IOException, InterruptedException {
        for (int i = 0; i < 50; i++) {
            service.request("/actuator/progress");
        }
        double before = service.proc().cpuSeconds();
        for (int i = 0; i < n; i++) {
            service.request("/actuator/progress");
        }
        return (service.proc().cpuSeconds() - before) * 1000.0 / n;
    }

    /** What the page cost, printed after a drain with the page open. */
    static void report(PrintStream console, PagePoller page, double cpuMsPerAnswer, double drainCpuSeconds,
                       double drainSeconds) {
        double pageCpuPerSecond = cpuMsPerAnswer / 1000.0 / (POLL_MS / 1000.0);
        double serviceCpuPerSecond = drainCpuSeconds / drainSeconds;
        console.printf(Locale.ROOT, "live page open: %d requests (%d failed) during the drain; one progress answer "
                        + "costs %.2f ms of CPU on the idle service, so the page takes %.3f %% of the CPU the drain used%n",
                page.requests(), page.failures(), cpuMsPerAnswer, 100.0 * pageCpuPerSecond / serviceCpuPerSecond);
    }
}
