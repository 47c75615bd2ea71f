package dev.ergon.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ergon.executor.kubernetes.KubernetesExecutorBackendConfig.LogStreams;
import org.junit.jupiter.api.Test;

class LogReaderTest {
    @Test
    void theTailIsCutAtACharacterBoundary() {
        LogReader r = new LogReader(null, LogStreams.SPLIT, 5);
        assertEquals("short", r.tail("short"));
        assertEquals("world", r.tail("hello world"));
        assertEquals("éabc", r.tail("xxxxéabc"), "é is two bytes: exactly the last five");
        assertEquals("abcd", r.tail("xxxxéabcd"), "the last five bytes start inside é, which is dropped whole");
    }
}
