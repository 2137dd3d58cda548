package org.crosstenant.audit.witness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.platform.tlog.SignedNote;
import org.crosstenant.platform.tlog.witness.AddCheckpointRequest;
import org.crosstenant.platform.tlog.witness.StateStore;
import org.crosstenant.platform.tlog.witness.Witness;
import org.crosstenant.platform.tlog.witness.WitnessRefusal;

/**
 * A real witness for the tests: platform's witness core (the one deploy/witness serves) behind the JDK's HTTP server on
 * a free loopback port, answering {@code POST /add-checkpoint} with the C2SP tlog-witness statuses. Its state can be
 * replaced by a fresh directory (to stage a split view).
 */
public final class TestWitness implements AutoCloseable {

    private final String origin;
    private final NoteKey logKey;
    private final NoteSigner key;
    private final HttpServer server;
    private final AtomicReference<Witness> witness = new AtomicReference<>();
    /** Refusals of verified checkpoints the witness counted (its crosstenant_witness_refusals_total). */
    public final AtomicInteger refusals = new AtomicInteger();

    /**
     * @param name   the witness key's name
     * @param origin the witnessed log's origin
     * @param logKey the log's verifier key
     */
    public TestWitness(String name, String origin, NoteKey logKey) {
        this.origin = origin;
        this.logKey = logKey;
        this.key = NoteSigner.generate(name, NoteKey.COSIGNATURE);
        witness.set(over(null));
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/add-checkpoint", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
    }

    /**
     * From now on the witness holds another history of the log: as if it had cosigned {@code cosigned} last (e.g. a
     * checkpoint of the log's key over another root). Its former state is forgotten.
     */
    public void holdOtherHistory(SignedNote cosigned) {
        witness.set(over(cosigned));
    }

    /** The witness core (this witness's key) over a new state directory holding {@code latest} (null: none). */
    private Witness over(SignedNote latest) {
        try {
            StateStore state = new StateStore(Files.createTempDirectory("witness"));
            if (latest != null) {
                state.store(origin, latest);
            }
            return new Witness(key, Map.of(origin, logKey), state, Clock.systemUTC(),
                    (o, reason) -> refusals.incrementAndGet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the submission prefix */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @return its vkey */
    public NoteKey verifierKey() {
        return key.verifierKey();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            int status;
            String type = "text/plain; charset=utf-8";
            String body;
            try {
                body = witness.get().addCheckpoint(AddCheckpointRequest.parse(
                        exchange.getRequestBody().readNBytes(16 * 1024)));
                status = 200;
            } catch (WitnessRefusal refusal) {
                status = refusal.status();
                body = status == 409 ? refusal.latestSize() + "\n" : refusal.getMessage();
                type = status == 409 ? "text/x.tlog.size" : type;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
