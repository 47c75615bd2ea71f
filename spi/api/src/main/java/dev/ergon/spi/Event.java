package dev.ergon.spi;

import static java.util.Objects.requireNonNull;

/**
 * A state-change notice on an {@link EventBus}.
 *
 * @param topic what kind of object changed, e.g. {@code task} or {@code run}
 * @param id the object's id
 * @param type what happened, e.g. {@code created}, {@code state}, {@code cancel}
 * @param detail a short free-form detail such as the new state; may be empty
 */
public record Event(String topic, String id, String type, String detail) {
    public Event {
        requireNonNull(topic, "topic is null");
        requireNonNull(id, "id is null");
        requireNonNull(type, "type is null");
        requireNonNull(detail, "detail is null");
        if (topic.indexOf('|') >= 0 || id.indexOf('|') >= 0 || type.indexOf('|') >= 0) {
            throw new IllegalArgumentException("topic, id and type must not contain '|'");
        }
    }

    /** A compact wire form {@code topic|id|type|detail}, for buses that carry strings. */
    public String encode() {
        return topic + '|' + id + '|' + type + '|' + detail;
    }

    /** Parses {@link #encode()}'s form. */
    public static Event decode(String s) {
        String[] p = s.split("\\|", 4);
        if (p.length < 3) {
            throw new IllegalArgumentException("not an encoded event: " + s);
        }
        return new Event(p[0], p[1], p[2], p.length == 4 ? p[3] : "");
    }
}
