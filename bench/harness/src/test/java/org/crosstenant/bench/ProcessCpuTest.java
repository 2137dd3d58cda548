package org.crosstenant.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void cpuPerOperationIsMillisecondsOfTheGroupsSeenTwice() {
        Map<String, Double> used = ProcessCpu.used(Map.of("invitation", 10.0, "kafka", 2.0, "gone", 1.0),
                Map.of("invitation", 12.5, "kafka", 2.5, "new", 7.0));
        assertEquals(Map.of("invitation", 2.5, "kafka", 0.5), used);
        Map<String, Double> perInvitation = ProcessCpu.perOperation(used, 500);
        assertEquals(5.0, perInvitation.get("invitation"), 1e-9);
        assertEquals(1.0, perInvitation.get("kafka"), 1e-9);
        assertEquals(2, perInvitation.size());
    }

    @Test
    void noOperationsGiveNoFigures() {
        assertTrue(ProcessCpu.perOperation(Map.of("invitation", 2.0), 0).isEmpty());
    }
}
