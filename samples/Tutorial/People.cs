using Sharpgres;

namespace Tutorial;

/// <summary>
/// Seed 002, "PostgreSQL in Python Using Psycopg2": connection details from db_info.ini, the OperationalError of a
/// wrong password and of a missing database, the people table, Jane Lee and 100 fake records, fetchone / fetchmany /
/// fetchall, the repeated city found, updated and deleted, and `using` blocks closing cursor and connection.
/// </summary>
public static class People
{
    public const string Section = "postgres-sample-db";

    public static void Run(Printer p, ConnectionInfo database)
    {
        var tempDir = File.Exists("db_info.ini") ? null : Directory.CreateTempSubdirectory("sharpgres-tutorial-");
        try
        {
            var dbInfo = ReadConfig(p, database, tempDir);
            ConnectionErrors(p, dbInfo);
            Connection? dbConnection = null;
            try
            {
                dbConnection = p.Let("dbConnection", Pg.Connect(dbInfo));
                p.Line("Successfully connected to the database.");
                Query(p, dbConnection);
            }
            finally
            {
                if (dbConnection is not null)
                {
                    dbConnection.Close();
                    p.Line("Closed connection.");
                }
            }
            UsingBlocks(p, dbInfo);
        }
        finally
        {
            tempDir?.Delete(recursive: true);
        }
    }

    /// <summary>db_info.ini: the one in the working directory, else one written into a temp directory.</summary>
    private static ConnectionInfo ReadConfig(Printer p, ConnectionInfo database, DirectoryInfo? tempDir)
    {
        p.Say("How to Parse Config Files: the connection details live in db_info.ini");
        if (tempDir is null)
        {
            var fromFile = p.Let("dbInfo", ConnectionInfo.FromIniFile("db_info.ini", Section));
            p.Say($"the walkthrough's fresh database rather than the file's dbname ({fromFile.DbName ?? "unset"}):");
            return p.Show(() => fromFile.With("dbname", database.DbName));
        }
        var path = Path.Combine(tempDir.FullName, "db_info.ini");
        var lines = database.Values.Select(kv => $"{kv.Key}={kv.Value}").ToList();
        File.WriteAllText(path, $"[{Section}]\n" + string.Join("\n", lines) + "\n");
        p.Say($"no ./db_info.ini: wrote {path}:");
        p.Line($"[{Section}]");
        foreach (var kv in database.Values) p.Line($"{kv.Key}={(kv.Key == "password" ? "********" : kv.Value)}");
        var filename = p.Let("filename", path);
        var section = p.Let("section", Section);
        var dbInfo = p.Let("dbInfo", ConnectionInfo.FromIniFile(filename, section));
        p.Show(() => dbInfo);
        return dbInfo;
    }

    private static void ConnectionErrors(Printer p, ConnectionInfo dbInfo)
    {
        p.Say("Handling Connection Errors: an incorrect password ...");
        p.Tries<OperationalError>(() => Pg.Connect(dbInfo.With("password", "wrong-password")).Close(),
            "connected anyway: this server doesn't check passwords for this connection (trust authentication)");
        p.Say("... and a database that does not exist: both are OperationalErrors");
        p.Tries<OperationalError>(() => Pg.Connect(dbInfo.With("dbname", "test1")).Close(),
            "connected anyway: this server has a database named test1");
    }

    private static void Query(Printer p, Connection dbConnection)
    {
        using var dbCursor = p.Using("dbCursor", dbConnection.Cursor());
        p.Say("Committing Transactions: in autocommit every statement commits at once");
        p.Run(() => dbConnection.Autocommit = true);
        var createTable = p.Let("createTable", """
            CREATE TABLE people(
            id SERIAL PRIMARY KEY,
            name varchar(50) NOT NULL,
            city varchar(40),
            profession varchar(60));
            """);
        p.Run(() => dbCursor.Execute(createTable));
        var insertRecord = p.Let("insertRecord", "INSERT INTO people (name,city,profession) VALUES (%s, %s, %s);");
        p.Run(() => dbCursor.Execute(insertRecord, "Jane Lee", "Rustmore", "Rust programmer"));
        p.Show(() => dbCursor.RowCount);

        p.Say("Inserting Records Into a Table: 100 fake (name, city, job) records from Bogus, seed 42");
        var records = p.Let("records", FakeData.Generate(100));
        p.Show(() => records[0]);
        p.Say("psycopg2's executemany is ExecuteMany: pipelined, one round trip for the 100 inserts (the tutorial's executemany was no faster than a loop)");
        p.Run(() => dbCursor.ExecuteMany(insertRecord, records));
        p.Show(() => dbCursor.RowCount);

        p.Say("How to Retrieve Data from Tables");
        p.Run(() => dbCursor.Execute("SELECT * FROM people;"));
        p.Show(() => dbCursor.FetchOne());
        p.Each(() => dbCursor.FetchMany(10));
        p.Each(() => dbCursor.FetchAll(), head: 3);

        p.Say("Updating and Deleting Records: the cities that occur more than once");
        var getCount = p.Let("getCount", """
            SELECT city, COUNT(*)
            FROM people
            GROUP BY city HAVING COUNT(*)>1;
            """);
        p.Run(() => dbCursor.Execute(getCount));
        var repeated = p.Let("repeated", dbCursor.FetchAll());
        p.Show(() => repeated);
        var repeatedCity = p.Let("repeatedCity", (string)repeated[0]["city"]!);
        p.Run(() => dbCursor.Execute("UPDATE people SET city=%s WHERE city=%s", "Mathville", repeatedCity));
        p.Show(() => dbCursor.RowCount);
        p.Run(() => dbCursor.Execute("DELETE FROM people WHERE city=%s;", "Mathville"));
        p.Show(() => dbCursor.RowCount);
    }

    private static void UsingBlocks(Printer p, ConnectionInfo dbInfo)
    {
        p.Say("Simplifying Querying Using Context Managers: `with` blocks are `using` blocks, and psycopg2's commit on");
        p.Say("leaving the connection's block is a transaction block (disposing a Sharpgres connection rolls back)");
        Connection? conn = null;
        Cursor? cur = null;
        p.Run(() =>
        {
            using (conn = Pg.Connect(dbInfo))
            using (cur = conn.Cursor())
            {
                conn.Transaction(tx =>
                {
                    cur.Execute("INSERT INTO people (name,city,profession) VALUES (%s, %s, %s);", "Ann Lo", "Mathville", "Data engineer");
                });
            }
        });
        p.Show(() => cur!.Closed);
        p.Show(() => conn!.Closed);
        using var check = p.Using("check", Pg.Connect(dbInfo));
        p.Show(() => check.Execute("SELECT * FROM people WHERE city = %s", "Mathville").FetchAll());
    }
}
