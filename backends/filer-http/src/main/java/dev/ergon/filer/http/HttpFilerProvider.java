package dev.ergon.filer.http;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.Filer;
import dev.ergon.spi.FilerProvider;
import dev.ergon.spi.ProviderContext;
import java.util.List;

/** Provides the {@code http} filer ({@link HttpFiler}); settings under {@code ergon.filer.http.}. */
public final class HttpFilerProvider implements FilerProvider {
    @Override
    public String name() {
        return "http";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return HttpFilerConfig.PROPERTIES;
    }

    @Override
    public Filer create(ProviderContext context) {
        return new HttpFiler(HttpFilerConfig.from(context.config()));
    }
}
