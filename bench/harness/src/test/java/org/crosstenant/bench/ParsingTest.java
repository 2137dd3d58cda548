package org.crosstenant.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ParsingTest {

    @Test
    void picksCrosstenantAndKafkaLagMetrics() {
        String text = """
                # HELP crosstenant_outbox_backlog rows not yet published
                # TYPE crosstenant_outbox_backlog gauge
                crosstenant_outbox_backlog{service="invitation"} 3.0
                http_server_requests_seconds_count{method="GET",uri="/api/v1/invitations/{id}"} 12.0
                kafka_consumer_fetch_manager_records_lag_max{client_id="kafka-consumer-policy-decisions"} 0.0
                jvm_memory_used_bytes{area="heap"} 1.2E7
                """;
        assertEquals(List.of("crosstenant_outbox_backlog{service=\"invitation\"} 3.0",
                        "kafka_consumer_fetch_manager_records_lag_max{client_id=\"kafka-consumer-policy-decisions\"} 0.0"),
                ServiceProbe.interestingMetrics(text, 40));
        assertEquals(1, ServiceProbe.interestingMetrics(text, 1).size());
    }

    @Test
    void decidedMeansAnyStatusButRequested() {
        assertFalse(SagaLoad.decided("{\"id\":\"x\",\"status\":\"requested\"}"));
        assertTrue(SagaLoad.decided("{\"id\":\"x\",\"status\":\"pending_acceptance\"}"));
        assertTrue(SagaLoad.decided("{\"id\":\"x\",\"status\":\"denied\"}"));
        assertFalse(SagaLoad.decided("{\"id\":\"x\"}"));
    }

    @Test
    void quickAndDefaultOptions() {
        Options defaults = Options.parse(new String[0]);
        assertEquals(3, defaults.rounds());
        assertEquals(30, defaults.sagaSeconds());
        assertEquals(15, defaults.wrkSeconds());
        assertEquals(List.of(50.0, 200.0, 500.0), defaults.rates());
        Options quick = Options.parse(new String[] {"--quick", "--rates", "10,20"});
        assertEquals(1, quick.rounds());
        assertEquals(List.of(10.0, 20.0), quick.rates());
        assertTrue(quick.out().toString().endsWith("-quick.md"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--rates", "0"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--bogus"}));
    }

    @Test
    void noisyNeighbourOptions() {
        Options defaults = Options.parse(new String[0]);
        assertEquals(20, defaults.noisySeconds());
        assertEquals(new NoisyNeighbour.Flood(600, 1000, 50), defaults.noisyFlood());
        assertEquals(5, Options.parse(new String[] {"--quick"}).noisySeconds());
        Options set = Options.parse(new String[] {"--noisy-seconds", "7", "--noisy-flood", "100, 200,3",
                "--skip", "gateway,noisy"});
        assertEquals(7, set.noisySeconds());
        assertEquals(new NoisyNeighbour.Flood(100, 200, 3), set.noisyFlood());
        assertFalse(set.runs("noisy"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--noisy-flood", "100,200"}));
    }
}
