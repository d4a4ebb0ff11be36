-- V3: finer circumvention categories, so a group can block DoH, VPN or proxy lists separately
-- (the DNS filter also files every such list under 'circumvention', so groups that block
-- 'circumvention' keep blocking all three; no group's policy changes here).
INSERT OR IGNORE INTO categories (key, name, always_on) VALUES
    ('doh', 'DNS-over-HTTPS resolvers', 0),
    ('vpn', 'VPN services', 0),
    ('proxy', 'Web proxies and redirectors', 0);
