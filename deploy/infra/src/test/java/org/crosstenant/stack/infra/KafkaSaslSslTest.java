package org.crosstenant.stack.infra;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SASL_SSL listener against the real broker: a SCRAM user with the right password, trusting the listener's
 * certificate, writes where an ACL lets it and nowhere else; a wrong password and a client that does not trust the
 * certificate are refused. Each refusal is its own kind (authentication, TLS, authorization), so a listener that
 * silently fell back to PLAINTEXT or an authorizer that let everything through would fail here.
 */
class KafkaSaslSslTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path workDir;

    @Test
    void aScramUserOverTlsWritesOnlyWhereItsAclsAllowAndWrongPasswordsAndUntrustedClientsAreRefused() throws Exception {
        int port = FreePorts.pick();
        int controllerPort = FreePorts.pick();
        KafkaSaslSsl listener = KafkaSaslSsl.create(workDir.resolve("tls"), FreePorts.pick());
        assertTrue(Files.readString(listener.caCertificate()).startsWith("-----BEGIN CERTIFICATE-----"));
        try (KafkaBroker broker = KafkaBroker.start(KafkaBroker.defaultLibs(), workDir.resolve("kafka"), port,
                controllerPort, listener.brokerSettings(port, controllerPort, true));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("allowed", 1, (short) 1), new NewTopic("forbidden", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("alice",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "alice-password"))).all()
                    .get(30, TimeUnit.SECONDS);
            ResourcePattern allowed = new ResourcePattern(ResourceType.TOPIC, "allowed", PatternType.LITERAL);
            admin.createAcls(List.of(AclOperation.WRITE, AclOperation.DESCRIBE).stream()
                    .map(op -> new AclBinding(allowed, new AccessControlEntry("User:alice", "*", op, AclPermissionType.ALLOW)))
                    .toList()).all().get(30, TimeUnit.SECONDS);

            // the credential and the ACLs reach the broker's caches through the metadata log: wait for them
            await("alice writes to her topic").atMost(WAIT).ignoreExceptions()
                    .until(() -> send(listener.clientSettings("alice", "alice-password"), "allowed") >= 0);

            ExecutionException forbidden = assertThrows(ExecutionException.class,
                    () -> send(listener.clientSettings("alice", "alice-password"), "forbidden"));
            assertInstanceOf(TopicAuthorizationException.class, forbidden.getCause(), forbidden.toString());

            ExecutionException wrongPassword = assertThrows(ExecutionException.class,
                    () -> send(listener.clientSettings("alice", "not-her-password"), "allowed"));
            assertInstanceOf(SaslAuthenticationException.class, wrongPassword.getCause(), wrongPassword.toString());

            Map<String, String> untrusting = new HashMap<>(listener.clientSettings("alice", "alice-password"));
            untrusting.remove("ssl.truststore.type");
            untrusting.remove("ssl.truststore.location"); // the JDK's default trust store does not know the broker
            ExecutionException untrusted = assertThrows(ExecutionException.class, () -> send(untrusting, "allowed"));
            assertInstanceOf(SslAuthenticationException.class, untrusted.getCause(), untrusted.toString());
        }
    }

    @Test
    void jaasLinesRefuseCharactersThatWouldNeedQuoting() {
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"svc\" password=\"p-1\";",
                KafkaSaslSsl.jaasConfig("svc", "p-1"));
        assertThrows(IllegalArgumentException.class, () -> KafkaSaslSsl.jaasConfig("svc\" admin=\"x", "p"));
        assertThrows(IllegalArgumentException.class, () -> KafkaSaslSsl.jaasConfig("svc", "p w"));
        assertThrows(IllegalArgumentException.class, () -> KafkaSaslSsl.jaasConfig("", "p"));
    }

    /** Sends one record with the given client settings; returns its offset or throws what the send failed with. */
    private static long send(Map<String, String> client, String topic) throws Exception {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            return producer.send(new ProducerRecord<>(topic, "k", "v")).get().offset();
        }
    }
}
