package org.crosstenant.stack.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A SASL_SSL listener for {@link KafkaBroker}: SCRAM-SHA-512 over TLS, what Strimzi's internal listener with
 * {@code tls: true} and {@code authentication: scram-sha-512} gives the suite's services in a cluster
 * (deploy/kubernetes, values {@code kafka.tls}). The broker keeps its PLAINTEXT listener on another port for the
 * controller and for an administrator; with the authorizer on, that listener's principal ({@code User:ANONYMOUS}) is
 * the only super user, so the SASL users get exactly what their ACLs allow.
 * <p>
 * The broker's key and certificate come from the JDK's {@code keytool}: EC P-256, self-signed, subject alternative
 * names {@code 127.0.0.1} and {@code localhost}, valid for 2 days. Clients trust that certificate from a PEM file
 * ({@link #caCertificate()}), as the chart's services trust Strimzi's cluster CA from {@code ca.crt}; host name
 * verification stays on (Kafka's default {@code https}). Users are SCRAM credentials an administrator adds on the
 * PLAINTEXT listener (Kafka's {@code Admin.alterUserScramCredentials}); this class does not use kafka-clients, whose
 * version differs between the broker and the Quarkus test classpaths (see {@link KafkaBroker}).
 */
public final class KafkaSaslSsl {

    /** The SASL mechanism, as Strimzi's {@code KafkaUser} {@code authentication.type: scram-sha-512} names it. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    /** The broker's listener name (lower case in {@code listener.name.*} settings). */
    static final String LISTENER = "SASL_SSL";
    /** User names and passwords this class puts into a JAAS line unquoted-safe: no quote, backslash or space. */
    private static final Pattern JAAS_SAFE = Pattern.compile("[A-Za-z0-9._@-]{1,200}");
    /** keytool reads the keystore password from this variable of its environment ({@code -storepass:env}). */
    private static final String PASSWORD_VARIABLE = "CROSSTENANT_KEYSTORE_PASSWORD";

    private final Path keystore;
    private final String keystorePassword;
    private final Path caCertificate;
    private final int port;

    private KafkaSaslSsl(Path keystore, String keystorePassword, Path caCertificate, int port) {
        this.keystore = keystore;
        this.keystorePassword = keystorePassword;
        this.caCertificate = caCertificate;
        this.port = port;
    }

    /**
     * Makes the broker's key pair and certificate in {@code dir} (keystore {@code broker.p12}, certificate
     * {@code ca.crt}, PEM) for a listener on {@code 127.0.0.1:port}.
     *
     * @param dir  a directory this listener owns (created if missing)
     * @param port the SASL_SSL listener's port on 127.0.0.1
     * @return the listener, not yet part of any broker: pass {@link #brokerSettings} to {@link KafkaBroker#start}
     * @throws IllegalStateException when keytool fails or does not finish within a minute
     * @throws UncheckedIOException  when the directory cannot be written
     */
    public static KafkaSaslSsl create(Path dir, int port) {
        try {
            Files.createDirectories(dir);
            // keytool creates the keystore with the default mode: this owner-only directory keeps it from others
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Path keystore = dir.resolve("broker.p12");
            Path certificate = dir.resolve("ca.crt");
            Files.deleteIfExists(keystore);
            Files.deleteIfExists(certificate);
            byte[] secret = new byte[18];
            new SecureRandom().nextBytes(secret);
            String password = HexFormat.of().formatHex(secret);
            // the password reaches keytool through its environment, not its command line (visible in /proc)
            keytool(dir, password, "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", keystore.toString(),
                    "-storepass:env", PASSWORD_VARIABLE, "-keypass:env", PASSWORD_VARIABLE);
            keytool(dir, password, "-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(),
                    "-storepass:env", PASSWORD_VARIABLE, "-file", certificate.toString());
            return new KafkaSaslSsl(keystore, password, certificate, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the Kafka listener's certificate in " + dir, e);
        }
    }

    /**
     * Broker properties that add this listener beside the PLAINTEXT and CONTROLLER ones of
     * {@link KafkaBroker#serverProperties} (they replace its listener lines).
     *
     * @param plaintextPort  the broker's PLAINTEXT port (controller-to-broker and administrator traffic)
     * @param controllerPort the controller's port
     * @param authorize      true: Kafka's {@code StandardAuthorizer} with {@code User:ANONYMOUS} (PLAINTEXT and
     *                       CONTROLLER) as the only super user, so a SASL user may do only what an ACL allows
     * @return broker properties by their Kafka names
     */
    public Map<String, String> brokerSettings(int plaintextPort, int controllerPort, boolean authorize) {
        String prefix = "listener.name." + LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + plaintextPort + "," + LISTENER + "://127.0.0.1:" + port
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        settings.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + plaintextPort + "," + LISTENER + "://127.0.0.1:" + port);
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + LISTENER + ":SASL_SSL,CONTROLLER:PLAINTEXT");
        settings.put("sasl.enabled.mechanisms", MECHANISM);
        settings.put(prefix + MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        settings.put(prefix + "ssl.keystore.type", "PKCS12");
        settings.put(prefix + "ssl.keystore.location", keystore.toAbsolutePath().toString());
        settings.put(prefix + "ssl.keystore.password", keystorePassword);
        settings.put(prefix + "ssl.key.password", keystorePassword);
        if (authorize) {
            settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            settings.put("super.users", "User:ANONYMOUS");
            settings.put("allow.everyone.if.no.acl.found", "false");
        }
        return settings;
    }

    /** @return {@code 127.0.0.1:port} of this listener */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** @return the PEM file a client trusts (the broker's self-signed certificate) */
    public Path caCertificate() {
        return caCertificate;
    }

    /**
     * Kafka client properties of a SCRAM user on this listener, the same settings the chart gives a service as
     * {@code KAFKA_*} variables.
     *
     * @param user     the SCRAM user name
     * @param password its password
     * @return client properties by their Kafka names (bootstrap servers included)
     * @throws IllegalArgumentException when the name or password holds a character outside {@code [A-Za-z0-9._@-]}
     */
    public Map<String, String> clientSettings(String user, String password) {
        return Map.of("bootstrap.servers", bootstrapServers(),
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", MECHANISM,
                "sasl.jaas.config", jaasConfig(user, password),
                "ssl.truststore.type", "PEM",
                "ssl.truststore.location", caCertificate.toAbsolutePath().toString());
    }

    /**
     * The {@code sasl.jaas.config} line of a SCRAM user, as Strimzi writes it into the user's Secret.
     *
     * @param user     the SCRAM user name
     * @param password its password
     * @return the JAAS line
     * @throws IllegalArgumentException when the name or password holds a character outside {@code [A-Za-z0-9._@-]}
     *                                  (nothing here escapes JAAS quoting)
     */
    public static String jaasConfig(String user, String password) {
        if (!JAAS_SAFE.matcher(user).matches() || !JAAS_SAFE.matcher(password).matches()) {
            throw new IllegalArgumentException("SCRAM user names and passwords here are [A-Za-z0-9._@-]{1,200}");
        }
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private static void keytool(Path dir, String password, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Path out = dir.resolve("keytool.out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        builder.environment().put(PASSWORD_VARIABLE, password);
        Process process = builder.start();
        try {
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " did not finish within a minute");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while keytool ran", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed (" + process.exitValue() + "): "
                    + Files.readString(out, StandardCharsets.UTF_8).strip());
        }
    }
}
