package dev.ergon.adapters;

import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.LanguageAdapterProvider;
import dev.ergon.testkit.TestProviderContext;
import java.nio.file.Path;
import java.util.Map;

/** Test helper: an adapter made by its provider from the given settings. */
final class Adapters {
    private Adapters() {}

    static LanguageAdapter create(LanguageAdapterProvider p, Map<String, String> config) {
        return p.create(new TestProviderContext("ergon.adapter." + p.name() + ".", config, Path.of("target-wes")));
    }
}
