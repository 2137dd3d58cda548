package org.crosstenant.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Restart resume: while the saga runs at a low fixed rate, {@code kill -9} a service's JVM (policy-service, then
 * invitation-service); the launcher ({@code --restart-crashed}) starts it again with the same command. For each
 * kill: when the new process started, when its readiness check answered 200, and when the first approved record of a
 * request sent after the kill arrived on {@code invitations.events} (only the new process can have taken part in
 * it: it consumes and decides again; approvals of older requests may come from a backlog), and when its consumer
 * held its partitions again (a new member of the service's consumer group, seen with the admin API: what "resumes
 * consuming" means, apart from how fast the cold JVM then processes).
 */
final class RestartBench {

    /**
     * One kill.
     *
     * @param service              the service killed
     * @param downMs               kill → new process started (the launcher's restart delay plus its reaction)
     * @param readyAfterStartMs    new process started → ready (JVM and Quarkus start), -1 if never within the limit
     * @param resumedAfterStartMs  new process started → first approval on the topic of a request sent after the kill,
     *                             -1 if none
     * @param resumedAfterReadyMs  ready → first approval on the topic (the consumer's rejoin), -1 if none
     * @param killToResumeMs       kill → first approval after the restart (the whole stall), -1 if none
     * @param assignedAfterReadyMs ready → the new process's consumer holds its partitions again (a member of the
     *                             service's consumer group that was not there before the kill); negative when that
     *                             happened before ready; {@link Long#MIN_VALUE} if never seen within 90 s
     */
    record Episode(String service, long downMs, long readyAfterStartMs, long resumedAfterStartMs,
                   long resumedAfterReadyMs, long killToResumeMs, long assignedAfterReadyMs) {

        static Episode failed(String service) {
            return new Episode(service, -1, -1, -1, -1, -1, Long.MIN_VALUE);
        }
    }

    /** The load run's figures and one episode per kill. */
    record Result(SagaLoad.Result load, List<Episode> episodes, String skipped) {
    }

    private RestartBench() {
    }

    static Result run(StackInfo stack, Api api, Kafka kafka, SagaLoad saga, double rate, int seconds,
            java.util.function.Consumer<String> log) {
        if (stack.restartDelayMillis().isEmpty()) {
            return new Result(null, List.of(), "the stack runs without --restart-crashed: nothing would start a killed "
                    + "service again (bench/run.sh starts the stack with it; with --use-running start it so yourself)");
        }
        List<String> victims = List.of("policy-service", "invitation-service");
        List<Episode> episodes = new ArrayList<>();
        CompletableFuture<SagaLoad.Result> load = CompletableFuture.supplyAsync(
                () -> saga.run(new OpenSchedule(rate, seconds), Duration.ofSeconds(60), log));
        // kill i at (i + 1) / 4 of the load, counted from its start (not from the previous episode's end, which
        // may take long): both kills happen while requests still arrive, so a resumption can be seen
        long start = System.nanoTime();
        for (int i = 0; i < victims.size(); i++) {
            long at = start + (i + 1) * seconds * 1_000_000_000L / 4;
            long wait = (at - System.nanoTime()) / 1_000_000;
            if (wait > 0) {
                Bench.pause(wait);
            }
            episodes.add(killAndWatch(stack, api, kafka, saga, victims.get(i), log));
        }
        return new Result(load.join(), episodes, null);
    }

    private static Episode killAndWatch(StackInfo stack, Api api, Kafka kafka, SagaLoad saga, String service,
            java.util.function.Consumer<String> log) {
        Optional<ProcessHandle> process = stack.process(service);
        if (process.isEmpty()) {
            log.accept("no running " + service + " found: its kill is skipped");
            return Episode.failed(service);
        }
        // the consumer group is named after the service; its members before the kill are the old process's
        try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
            return killAndWatch(stack, api, admin, saga, service, process.get(), log);
        }
    }

    private static Episode killAndWatch(StackInfo stack, Api api, org.apache.kafka.clients.admin.Admin admin,
            SagaLoad saga, String service, ProcessHandle process, java.util.function.Consumer<String> log) {
        long pid = process.pid();
        java.util.Set<String> before;
        try {
            before = Kafka.assignedMembers(admin, service);
        } catch (IllegalStateException e) {
            log.accept("cannot describe consumer group " + service + " (" + e.getMessage() + "): partition assignment "
                    + "after the restart is not measured");
            before = null;
        }
        long killedNanos = System.nanoTime();
        long killedMillis = System.currentTimeMillis();
        log.accept("kill -9 " + service + " (pid " + pid + ")");
        process.destroyForcibly();
        java.util.Set<String> old = before;
        CompletableFuture<Long> assigned = old == null ? CompletableFuture.completedFuture(-1L)
                : CompletableFuture.supplyAsync(() -> awaitNewMember(admin, service, old, Duration.ofSeconds(90)));
        // the launcher starts it again: wait for a new pid
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Optional<ProcessHandle> again = Optional.empty();
        while (System.nanoTime() < deadline) {
            again = stack.process(service).filter(handle -> handle.pid() != pid);
            if (again.isPresent()) {
                break;
            }
            Bench.pause(10);
        }
        if (again.isEmpty()) {
            log.accept(service + " was not started again within 60 s");
            assigned.join();
            return Episode.failed(service);
        }
        long startedMillis = again.get().info().startInstant().map(Instant::toEpochMilli).orElse(System.currentTimeMillis());
        long startedNanos = killedNanos + (startedMillis - killedMillis) * 1_000_000L;
        long readyNanos = awaitReady(api, stack.serviceUrl(service), Duration.ofSeconds(60));
        long resumedNanos = -1;
        long resumeDeadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (resumedNanos < 0 && System.nanoTime() < resumeDeadline) {
            resumedNanos = saga.firstApprovalOfRequestSentAfter(killedNanos);
            if (resumedNanos < 0) {
                Bench.pause(20);
            }
        }
        long resumed = resumedNanos;
        long assignedNanos = assigned.join();
        Episode episode = new Episode(service, (startedNanos - killedNanos) / 1_000_000,
                readyNanos < 0 ? -1 : (readyNanos - startedNanos) / 1_000_000,
                resumed < 0 ? -1 : (resumed - startedNanos) / 1_000_000,
                resumed < 0 || readyNanos < 0 ? -1 : (resumed - readyNanos) / 1_000_000,
                resumed < 0 ? -1 : (resumed - killedNanos) / 1_000_000,
                assignedNanos < 0 || readyNanos < 0 ? Long.MIN_VALUE : (assignedNanos - readyNanos) / 1_000_000);
        log.accept(service + ": " + episode);
        return episode;
    }

    /**
     * Polls the group every 50 ms until a member that was not in {@code before} holds partitions.
     *
     * @return {@link System#nanoTime()} when it was first seen, or -1 if not within {@code limit}
     */
    private static long awaitNewMember(org.apache.kafka.clients.admin.Admin admin, String group,
            java.util.Set<String> before, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                java.util.Set<String> now = Kafka.assignedMembers(admin, group);
                now.removeAll(before);
                if (!now.isEmpty()) {
                    return System.nanoTime();
                }
            } catch (IllegalStateException brokerBusy) {
                // describe failed (e.g. a coordinator moving): ask again
            }
            Bench.pause(50);
        }
        return -1;
    }

    /** Polls {@code /q/health/ready} every 20 ms; the time of the first 200, or -1. */
    private static long awaitReady(Api api, String serviceUrl, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create(serviceUrl + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = api.http().send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return System.nanoTime();
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            Bench.pause(20);
        }
        return -1;
    }
}
