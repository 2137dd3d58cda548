package org.crosstenant.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;

import org.crosstenant.stack.LocalStack;

/** Ends a walk's stack and proves it left nothing running: every process it started and their descendants. */
final class StackProcesses {

    private StackProcesses() {
    }

    /** @param stack the stack to close; null (start failed) does nothing */
    static void closeAndCheck(LocalStack stack) {
        if (stack == null) {
            return;
        }
        List<ProcessHandle> processes = new ArrayList<>();
        stack.processes().values().forEach(handle -> {
            processes.add(handle);
            handle.descendants().forEach(processes::add);
        });
        stack.close();
        processes.forEach(process -> assertFalse(process.isAlive(), "left running: " + process.info()));
    }
}
