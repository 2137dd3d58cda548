package org.crosstenant.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.audit.model.AuditInput;
import org.crosstenant.audit.model.IncomingEvent;
import org.crosstenant.audit.service.AuditLog;

/**
 * Appends records through the service's append path (as the Kafka consumer does), either a fixed number at once or
 * continuously on a background thread until closed. The records rotate over contoso only, fabrikam only and both.
 */
final class LoadProducer implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String DECIDED = "org.crosstenant.policy.decided.v1";
    private static final String REGISTERED = "org.crosstenant.policy.application-registered.v1";
    private static final String SETTINGS = "org.crosstenant.policy.access-settings-changed.v1";

    private final AuditLog log;
    private final AuditEventTranslator translator;
    private final AtomicLong appended = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running;
    private Thread thread;
    private long counter;

    LoadProducer(AuditLog log, AuditEventTranslator translator) {
        this.log = log;
        this.translator = translator;
    }

    /** Appends {@code count} records in batches of {@code batch}, waiting for each. */
    void append(int count, int batch) {
        for (int done = 0; done < count; done += batch) {
            appended.addAndGet(log.append(inputs(Math.min(batch, count - done))).await().atMost(WAIT).size());
        }
    }

    /** Starts appending batches of {@code batch} records back to back on a background thread. */
    LoadProducer start(int batch) {
        running = true;
        thread = new Thread(() -> {
            try {
                while (running) {
                    append(batch, batch);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "audit-load");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** @return records appended so far */
    long appended() {
        return appended.get();
    }

    /** Stops the background thread (after its current batch) and fails if an append failed. */
    @Override
    public void close() throws Exception {
        running = false;
        if (thread != null) {
            thread.join(WAIT.toMillis());
        }
        if (failure.get() != null) {
            throw new AssertionError("an append failed", failure.get());
        }
    }

    private synchronized List<AuditInput> inputs(int count) {
        List<AuditInput> inputs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long n = counter++;
            String inv = UUID.randomUUID().toString();
            inputs.add(switch ((int) (n % 3)) {
                case 0 -> input(DECIDED, Events.decided(inv, "contoso", "fabrikam", "contoso-projects", "allow"));
                case 1 -> input(REGISTERED, Events.applicationRegistered("contoso", "app-" + n));
                default -> input(SETTINGS, Events.settingsChanged("fabrikam", "contoso", (int) (n % 1000) + 1));
            });
        }
        return inputs;
    }

    private AuditInput input(String type, String payload) {
        UUID id = UUID.randomUUID();
        return new AuditInput(new IncomingEvent("policy.events", id, type, payload), translator.translate(type, payload));
    }
}
