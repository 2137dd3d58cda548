package org.crosstenant.gateway.support;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.crosstenant.stack.infra.Directories;
import org.crosstenant.stack.infra.FreePorts;
import org.crosstenant.stack.infra.KafkaBroker;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A Kafka broker of its own (not the JVM-wide shared one) that a test can stop and start again on the same ports
 * and data: the test gets two {@link Runnable}s in its fields {@code stopBroker} and {@code startBroker} (JDK types,
 * so they cross the test/application class loaders).
 */
public class RestartableKafkaResource implements QuarkusTestResourceLifecycleManager {

    private Path workDir;
    private int port;
    private int controllerPort;
    private volatile KafkaBroker broker;

    @Override
    public Map<String, String> start() {
        try {
            workDir = Files.createTempDirectory("gateway-outage-kafka");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        port = FreePorts.pick();
        controllerPort = FreePorts.pick();
        startBroker();
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    private synchronized void startBroker() {
        if (broker == null || !broker.isAlive()) {
            broker = KafkaBroker.start(KafkaBroker.defaultLibs(), workDir, port, controllerPort);
        }
    }

    private synchronized void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields((Runnable) this::stopBroker, (Field f) -> f.getName().equals("stopBroker"));
        injector.injectIntoFields((Runnable) this::startBroker, (Field f) -> f.getName().equals("startBroker"));
    }

    @Override
    public void stop() {
        stopBroker();
        Directories.deleteQuietly(workDir);
    }
}
