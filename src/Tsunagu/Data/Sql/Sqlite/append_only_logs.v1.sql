-- Append-only logs (v1, migration AppendOnlyLogs): the database itself refuses to change or remove a row of the
-- audit trail, the access log or the verifications, whoever asks.
-- SQLite has no TRUNCATE; its DELETE without WHERE runs the trigger too.

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit_entries は追記のみです（変更・削除はできません）'); END;

CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit_entries は追記のみです（変更・削除はできません）'); END;

CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log BEGIN SELECT RAISE(ABORT, 'access_log は追記のみです（変更・削除はできません）'); END;

CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log BEGIN SELECT RAISE(ABORT, 'access_log は追記のみです（変更・削除はできません）'); END;

CREATE TRIGGER audit_verifications_no_update BEFORE UPDATE ON audit_verifications BEGIN SELECT RAISE(ABORT, 'audit_verifications は追記のみです（変更・削除はできません）'); END;

CREATE TRIGGER audit_verifications_no_delete BEFORE DELETE ON audit_verifications BEGIN SELECT RAISE(ABORT, 'audit_verifications は追記のみです（変更・削除はできません）'); END;
