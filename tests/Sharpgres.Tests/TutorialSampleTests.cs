using Sharpgres.Testing;
using Sharpgres.Tests.Infrastructure;
using Tutorial;

namespace Sharpgres.Tests;

/// <summary>
/// samples/Tutorial run in-process against the test server, as a newcomer runs it: the command line, each
/// walkthrough to the end with exit code 0, and the lines the seeds' tutorials show.
/// </summary>
public class TutorialSampleTests
{
    private static (int Code, Transcript Output) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var code = TutorialCommand.Invoke(args, output);
        return (code, new Transcript(output.ToString()));
    }

    [Fact]
    public void Help_lists_the_three_walkthroughs_and_the_conninfo_option()
    {
        var (code, output) = Invoke("--help");
        Assert.Equal(0, code);
        foreach (var name in new[] { "suppliers", "guide", "people" })
            Assert.Contains(output.Lines, l => l.TrimStart().StartsWith(name + " ", StringComparison.Ordinal));
        Assert.Contains("suppliers|guide|people|all", output.Text);
        Assert.Contains("--conninfo", output.Text);
    }

    [Fact]
    public void An_unknown_walkthrough_is_a_usage_error()
    {
        var (code, output) = Invoke("nosuch");
        Assert.NotEqual(0, code);
        Assert.Contains("nosuch", output.Text);
    }

    [Fact]
    public void Suppliers_calls_add_new_part_in_a_block_and_verifies_the_three_tables()
    {
        var (code, output) = Invoke("suppliers", "--conninfo", Db.ConnString());
        Assert.True(code == 0, output.Text);
        output.Expect("> cur.StatusMessage", "\"CREATE PROCEDURE\"");
        output.Expect("      cur.Execute(\"CALL add_new_part(%s, %s)\", \"OLED\", \"LG\");");
        output.Expect("> cur.StatusMessage", "\"CALL\"");
        output.Expect("> other.Execute(\"SELECT * FROM parts\").FetchAll()", "[(1, 'OLED')]");
        output.Expect("> other.Execute(\"SELECT * FROM vendors\").FetchAll()", "[(1, 'LG')]");
        output.Expect("> other.Execute(\"SELECT * FROM vendor_parts\").FetchAll()", "[(1, 1)]");
        output.Expect("the suppliers walkthrough ran to the end");
    }

    [Fact]
    public void Guide_walks_fetching_parameters_commit_rollback_and_the_aborted_transaction()
    {
        var (code, output) = Invoke("guide", "--conninfo", Db.ConnString());
        Assert.True(code == 0, output.Text);
        var timezones = long.Parse(output.Expect("> cur.RowCount"));
        Assert.True(timezones > 100, $"pg_timezone_names has {timezones} rows");
        output.Expect("> cur.RowNumber", "0");
        output.Expect("> cur.FetchOne()");
        output.Expect("> cur.RowNumber", "1");
        output.Expect("> cur.RowNumber", "3");
        output.Expect("> results.Count", (timezones - 3).ToString());
        output.Expect("> cur.RowNumber", timezones.ToString());
        output.Expect("> cur.FetchOne()", "null");
        output.Expect("> cur.FetchAll()", "[]");
        output.Expect("> cur.StatusMessage", "\"CREATE TABLE\"");
        output.Expect("> var myName = \"first'last%s\";");
        output.Expect("> cur.Execute(\"INSERT INTO test_table (my_name) VALUES (%s) RETURNING my_id\", myName)", "> cur.FetchOne()", "(4,)");
        output.Expect("> cur.FetchAll()",
            "[(1, \"first'last%s\", 1234, 3.14), (2, 'first last', 1234, None), (3, \"first'last%s\", 1234, None), (4, \"first'last%s\", None, None)]");
        output.Expect("> other.Execute(\"SELECT * FROM test_table\")", "Sharpgres.Errors.UndefinedTable: relation \"test_table\" does not exist");
        output.Expect("> conn.Commit()", "> other.Execute(\"SELECT my_id, my_name FROM test_table\").FetchAll()");
        output.Expect("> cur.FetchOne()", "(5, 'new name')");
        output.Expect("> conn.Rollback()");
        output.Expect("> cur.FetchOne()", "null");
        output.Expect("> cur.Execute(\"SELECT * FROM test_table1\")", "Sharpgres.Errors.UndefinedTable: relation \"test_table1\" does not exist");
        output.Expect("> cur.Execute(\"SELECT * FROM test_table\")",
            "Sharpgres.Errors.InFailedSqlTransaction: current transaction is aborted, commands ignored until end of transaction block");
        output.Expect("> conn.Rollback()", "> cur.Execute(\"SELECT * FROM test_table\")", "> cur.RowCount", "4");
        output.Expect("> other.Execute(\"SELECT count(*) FROM test_table WHERE my_name = %s\", \"in a block\").FetchOne()", "(1,)");
        output.Expect("> other.Execute(\"SELECT count(*) FROM test_table WHERE my_name = %s\", \"rolled back\").FetchOne()", "(0,)");
        output.Expect("> other.Execute(\"SELECT count(*) FROM test_table\").FetchOne()", "(5,)");
        output.Expect("> other.Execute(\"SELECT count(*) FROM test_table WHERE my_name = %s\", \"never committed\").FetchOne()", "(0,)");
        output.Expect("> cur.Execute(\"SET TIME ZONE 'Europe/Rome'\"); conn.Commit();", "> conn.Info.TimeZoneName", "\"Europe/Rome\"");
        output.Expect("the guide walkthrough ran to the end");
    }

    [Fact]
    public void People_reads_db_info_ini_catches_connection_errors_and_updates_the_repeated_city()
    {
        var (code, output) = Invoke("people", "--conninfo", Db.ConnString());
        Assert.True(code == 0, output.Text);
        output.Expect("> var dbInfo = ConnectionInfo.FromIniFile(filename, section);");
        if (!TestServer.IsExternal)   // an external server may trust this connection and accept any password
            Assert.Matches("^Sharpgres.Errors.InvalidPassword: .*password authentication failed for user", output.Expect("> Pg.Connect(dbInfo.With(\"password\", \"wrong-password\")).Close()"));
        Assert.Matches("^Sharpgres.OperationalError: .*database \"test1\" does not exist", output.Expect("> Pg.Connect(dbInfo.With(\"dbname\", \"test1\")).Close()"));
        output.Expect("Successfully connected to the database.");
        output.Expect("> dbCursor.ExecuteMany(insertRecord, records)", "> dbCursor.RowCount", "100");
        output.Expect("> dbCursor.FetchOne()", "(1, 'Jane Lee', 'Rustmore', 'Rust programmer')");
        output.Expect("> foreach (var record in dbCursor.FetchMany(10)) Console.WriteLine(record);",
            "(2, 'Marcel Connelly', 'North Ledner', 'Corporate Functionality Producer')");
        output.Expect("(11, 'Dolores Bernhard', 'Lake Bernier', 'Central Solutions Consultant')");
        output.Expect("> foreach (var record in dbCursor.FetchAll()) Console.WriteLine(record);");
        output.Expect("(101, 'Ray Flatley', 'South Kautzer', 'Senior Data Producer')");
        output.Expect("> repeated", "[('Port Windler', 2)]");
        output.Expect("> dbCursor.Execute(\"UPDATE people SET city=%s WHERE city=%s\", \"Mathville\", repeatedCity)", "> dbCursor.RowCount", "2");
        output.Expect("> dbCursor.Execute(\"DELETE FROM people WHERE city=%s;\", \"Mathville\")", "> dbCursor.RowCount", "2");
        output.Expect("Closed connection.");
        output.Expect("> cur!.Closed", "true", "> conn!.Closed", "true");
        output.Expect("> check.Execute(\"SELECT * FROM people WHERE city = %s\", \"Mathville\").FetchAll()", "[(102, 'Ann Lo', 'Mathville', 'Data engineer')]");
        output.Expect("the people walkthrough ran to the end");
    }

    [Fact]
    public void A_failure_prints_the_exception_class_sqlstate_and_message_and_exits_non_zero()
    {
        var conninfo = ConnectionInfo.Parse(Db.ConnString()).With("password", "not-the-password").ToConnectionString(includePassword: true);
        var output = new StringWriter();
        var code = TutorialRunner.Run("suppliers", conninfo, output);
        Assert.Equal(1, code);
        if (!TestServer.IsExternal)
            Assert.Matches("failed: Sharpgres.Errors.InvalidPassword \\(SQLSTATE 28P01\\): .*password authentication failed", output.ToString());
    }

    [Fact]
    public void Without_a_configured_server_the_sample_starts_a_throwaway_one_and_removes_it()
    {
        // The default path of `dotnet run --project samples/Tutorial`, when nothing points at a server.
        if (new[] { "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSERVICE" }.Any(v => Environment.GetEnvironmentVariable(v) is not null)
            || File.Exists("db_info.ini"))
            return;
        var output = new StringWriter();
        var code = TutorialRunner.Run("suppliers", null, output);
        var transcript = new Transcript(output.ToString());
        Assert.True(code == 0, transcript.Text);
        transcript.Expect("no server configured: starting a throwaway PostgreSQL in a temp directory");
        var directory = transcript.Lines.Single(l => l.StartsWith("// PostgreSQL ", StringComparison.Ordinal)).Split(", in ")[1];
        transcript.Expect("> other.Execute(\"SELECT * FROM parts\").FetchAll()", "[(1, 'OLED')]");
        transcript.Expect("// the throwaway server is stopped and its directory removed");
        Assert.False(Directory.Exists(directory), $"{directory} is still there");
    }
}

/// <summary>A printed walkthrough, checked in order: each expectation is looked for after the previous one.</summary>
public sealed class Transcript(string text)
{
    private int _position;

    public string Text { get; } = text;

    public IReadOnlyList<string> Lines { get; } = text.Replace("\r\n", "\n").Split('\n');

    /// <summary>
    /// Finds <paramref name="first"/> at or after the current position; each of <paramref name="next"/> must be the line
    /// right after. Returns the line following the last one matched (the value a code line printed).
    /// </summary>
    public string Expect(string first, params string[] next)
    {
        var i = _position;
        while (i < Lines.Count && Lines[i] != first) i++;
        Assert.True(i < Lines.Count, $"expected the line\n  {first}\nafter line {_position + 1} of the output:\n{Text}");
        foreach (var expected in next)
        {
            i++;
            Assert.True(i < Lines.Count && Lines[i] == expected,
                $"after\n  {first}\nexpected\n  {expected}\nbut line {i + 1} is\n  {(i < Lines.Count ? Lines[i] : "(end of output)")}\nin:\n{Text}");
        }
        _position = i + 1;
        return _position < Lines.Count ? Lines[_position] : "";
    }
}
