using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Tsunagu.Data;

/// <summary>
/// The database failing in a way that is nobody's mistake in the request: unreachable, full, read-only. The command
/// line says so in one line (exit code 1); the web answers 503 with that page, not an unexplained 500. What a line
/// says comes from the database's error code and the driver's own message, which names the server, never a person.
/// </summary>
public static class DatabaseFault
{
    /// <summary>
    /// The message, or null when the failure is some other fault. <paramref name="forOperator"/> adds what the driver
    /// said (the server's address): for the command line, not for a page anyone may be shown.
    /// </summary>
    public static string? Describe(Exception exception, bool forOperator = false)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            var message = e switch
            {
                SqliteException sqlite when PrimaryCode(sqlite) is 5 or 6 => "ほかの書き込みが終わらないため、待ちきれずに中止しました（待つのは接続文字列の Default Timeout 秒まで、既定 30 秒）。しばらくしてからもう一度お試しください。",
                SqliteException sqlite when PrimaryCode(sqlite) is 13 => "ディスクに空きがないため、データベースに書き込めません。",
                SqliteException sqlite when PrimaryCode(sqlite) is 8 => "データベースのファイルが読み取り専用のため書き込めません（ファイルとフォルダーの所有者・権限、読み取り専用のボリュームを確かめてください）。",
                SqliteException sqlite when PrimaryCode(sqlite) is 14 => "データベースのファイルを開けません（場所と、フォルダーの所有者・権限を確かめてください）。",
                SqliteException sqlite when PrimaryCode(sqlite) is 10 => "データベースのファイルを読み書きできませんでした（ディスクの状態を確かめてください）。",
                SqliteException sqlite when PrimaryCode(sqlite) is 26 or 11 => "データベースのファイルが壊れているか、SQLite のデータベースではありません。",
                Keys.KeyRingException ring => forOperator
                    ? $"記録の本文を開く鍵が鍵リング（{ring.Where}）にありません。鍵リングの場所（KeyRing:Folder または KeyRing:Store）と証明書の設定、鍵リングを戻したかを確かめてください。"
                    : "記録の本文を開く鍵が鍵リングにありません（システムの管理者に連絡してください）。",
                PostgresException { SqlState: "53100" } => "データベースサーバーのディスクに空きがありません。",
                PostgresException { SqlState: "25006" } => "データベースが読み取り専用です（待機系のサーバーにつながっているか、読み取り専用の設定です）。",
                PostgresException { SqlState: "3D000" } => "接続文字列のデータベースがサーバーにありません（CREATE DATABASE してから tsunagu db migrate を実行してください）。",
                PostgresException { SqlState: "28P01" or "28000" } => "データベースサーバーにサインインできません（接続文字列の Username と Password を確かめてください）。",
                PostgresException { SqlState: "57P01" or "57P02" or "57P03" } => "データベースサーバーが停止中か起動中です。",
                // Npgsql's word when, of several hosts (Target Session Attributes), none is what is asked for: the
                // primary gone and the standby not yet promoted. Its only mark is the message (no inner exception).
                NpgsqlException { InnerException: null, Message: "No suitable host was found." } and not PostgresException =>
                    "書き込みのできるデータベースサーバーが見つかりません（主系が停止し、待機系への切り替えが終わっていない状態です）。しばらくしてからもう一度お試しください。",
                // The server went away under an open connection (killed, or its machine failed).
                NpgsqlException { InnerException: IOException } => "データベースサーバーとの接続が切れました。しばらくしてからもう一度お試しください。",
                NpgsqlException { InnerException: SocketException or TimeoutException } => forOperator
                    ? $"データベースサーバーに接続できません（{e.Message}）。"
                    : "データベースサーバーに接続できません。",
                _ => null,
            };
            if (message is not null)
            {
                return message;
            }
        }
        return null;
    }

    /// <summary>
    /// SQLite's primary result code. Some calls (a backup step, a statement meeting a recovering WAL) answer an
    /// extended code, such as 261 for BUSY_RECOVERY, whose low byte is the primary one.
    /// </summary>
    public static int PrimaryCode(SqliteException e) => e.SqliteErrorCode & 0xFF;
}
