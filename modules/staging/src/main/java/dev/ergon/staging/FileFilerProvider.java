package dev.ergon.staging;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.Filer;
import dev.ergon.spi.FilerProvider;
import dev.ergon.spi.ProviderContext;
import java.util.List;

/** Provides the {@code file} filer ({@link FileFiler}); settings under {@code ergon.filer.file.}. */
public final class FileFilerProvider implements FilerProvider {
    @Override
    public String name() {
        return "file";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return FileFilerConfig.PROPERTIES;
    }

    @Override
    public Filer create(ProviderContext context) {
        return new FileFiler(FileFilerConfig.from(context.config()));
    }
}
