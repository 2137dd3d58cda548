package org.crosstenant.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * CPU time (user + system) the stack's processes have used so far, per group: the four services, PostgreSQL (the
 * postmaster of {@code <home>/postgres} and its backends) and the Kafka broker. Read through
 * {@link ProcessHandle.Info#totalCpuDuration()} (on Linux: {@code /proc/<pid>/stat}). A backend that exits between
 * two snapshots takes its time with it, so PostgreSQL's figure is a lower bound (the services keep pooled
 * connections, so their backends live through a phase).
 */
final class ProcessCpu {

    static final String POSTGRESQL = "postgresql";
    static final String KAFKA = "kafka";

    private final StackInfo stack;
    private final String postgresData;
    private final String kafkaConfig;

    ProcessCpu(StackInfo stack, Path home) {
        this.stack = stack;
        Path absolute = home.toAbsolutePath().normalize();
        this.postgresData = "-D " + absolute.resolve("postgres");
        this.kafkaConfig = absolute.resolve("kafka").resolve("server.properties").toString();
    }

    /** CPU seconds per group now; a group whose processes are not found is left out. */
    Map<String, Double> snapshot() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String service : StackInfo.SERVICES) {
            stack.process(service).flatMap(ProcessCpu::cpu).ifPresent(cpu -> seconds.put(service, cpu));
        }
        ProcessHandle.allProcesses().filter(p -> commandLine(p).contains(postgresData)).findFirst()
                .ifPresent(postmaster -> seconds.put(POSTGRESQL, Stream.concat(Stream.of(postmaster),
                        postmaster.descendants()).map(ProcessCpu::cpu).flatMap(Optional::stream)
                        .mapToDouble(Double::doubleValue).sum()));
        ProcessHandle.allProcesses().filter(p -> {
            String command = commandLine(p);
            return command.contains("kafka.Kafka") && command.contains(kafkaConfig) && command.contains("java");
        }).filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false)).findFirst()
                .flatMap(ProcessCpu::cpu).ifPresent(cpu -> seconds.put(KAFKA, cpu));
        return seconds;
    }

    /** CPU seconds used so far by one service's JVM, if it is running. */
    Optional<Double> service(String service) {
        return stack.process(service).flatMap(ProcessCpu::cpu);
    }

    /** CPU seconds used so far by a process and its live descendants (e.g. an nginx master and its workers). */
    static double tree(ProcessHandle root) {
        return Stream.concat(Stream.of(root), root.descendants()).map(ProcessCpu::cpu).flatMap(Optional::stream)
                .mapToDouble(Double::doubleValue).sum();
    }

    /** {@code after − before} per group present in both, in CPU seconds. */
    static Map<String, Double> used(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> used = new LinkedHashMap<>();
        after.forEach((group, seconds) -> {
            Double start = before.get(group);
            if (start != null) {
                used.put(group, Math.max(0, seconds - start));
            }
        });
        return used;
    }

    /**
     * CPU milliseconds per operation per group.
     *
     * @param used       CPU seconds per group ({@link #used})
     * @param operations operations done meanwhile; 0 gives an empty map (nothing to divide by)
     */
    static Map<String, Double> perOperation(Map<String, Double> used, long operations) {
        Map<String, Double> perOperation = new LinkedHashMap<>();
        if (operations > 0) {
            used.forEach((group, seconds) -> perOperation.put(group, seconds * 1000 / operations));
        }
        return perOperation;
    }

    private static Optional<Double> cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).map(nanos -> nanos / 1e9);
    }

    private static String commandLine(ProcessHandle process) {
        ProcessHandle.Info info = process.info();
        return info.commandLine().orElseGet(() -> info.command().orElse("") + " "
                + String.join(" ", info.arguments().orElse(new String[0])));
    }
}
