-- Append-only logs (v1, migration AppendOnlyLogs): the database itself refuses to change or remove a row of the
-- audit trail, the access log or the verifications, whoever asks.

CREATE FUNCTION tsunagu_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '% は追記のみです（変更・削除はできません）', TG_TABLE_NAME; END $$;

CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries FOR EACH ROW EXECUTE FUNCTION tsunagu_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries FOR EACH STATEMENT EXECUTE FUNCTION tsunagu_append_only();

CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION tsunagu_append_only();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log FOR EACH STATEMENT EXECUTE FUNCTION tsunagu_append_only();

CREATE TRIGGER audit_verifications_append_only BEFORE UPDATE OR DELETE ON audit_verifications FOR EACH ROW EXECUTE FUNCTION tsunagu_append_only();
CREATE TRIGGER audit_verifications_no_truncate BEFORE TRUNCATE ON audit_verifications FOR EACH STATEMENT EXECUTE FUNCTION tsunagu_append_only();
