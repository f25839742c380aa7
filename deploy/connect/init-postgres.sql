-- The users table cdc-service materializes (docs/topics.md, cdc-service), for the PostgreSQL
-- connector of register-postgres.json. Run as a superuser on database "prod". The table lives in
-- schema "prod" so that Debezium's PostgreSQL topic name, <topic.prefix>.<schema>.<table> with
-- topic.prefix "mysql", is exactly the service's default source topic, mysql.prod.users.
CREATE SCHEMA IF NOT EXISTS prod;
CREATE TABLE IF NOT EXISTS prod.users (
    user_id      text PRIMARY KEY,
    email        text,
    country      text,
    user_segment text NOT NULL DEFAULT 'new'
);
-- Optional: FULL makes Debezium's "before" a full row; cdc-service does not need it (pre-images
-- and deleted rows come from its own store), so the default identity (the primary key) is fine.
-- ALTER TABLE prod.users REPLICA IDENTITY FULL;
INSERT INTO prod.users (user_id, email, country, user_segment) VALUES
    ('user-00000', 'user-00000@example.com', 'DE', 'vip'),
    ('user-00001', 'user-00001@example.com', 'FR', 'regular'),
    ('user-00002', 'user-00002@example.com', 'US', 'new')
ON CONFLICT (user_id) DO NOTHING;
