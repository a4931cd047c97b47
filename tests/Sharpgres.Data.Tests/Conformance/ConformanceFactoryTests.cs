using System.Data;
using System.Data.Common;

namespace Sharpgres.Data.Tests.Conformance;

/// <summary>
/// DbProviderFactory and DbConnectionStringBuilder rules of the ADO.NET specification suite, plus the batch members
/// (CanCreateBatch / CreateBatch) it doesn't cover yet, in our words.
/// </summary>
public sealed class ConformanceFactoryTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    private static readonly DbProviderFactory Factory = SharpgresFactory.Instance;

    [Fact]
    public void Every_Create_member_gives_a_Sharpgres_object()
    {
        Assert.IsType<SharpgresCommand>(Factory.CreateCommand());
        Assert.IsType<SharpgresConnection>(Factory.CreateConnection());
        Assert.IsType<SharpgresConnectionStringBuilder>(Factory.CreateConnectionStringBuilder());
        Assert.IsType<SharpgresParameter>(Factory.CreateParameter());
        Assert.IsType<SharpgresCommandBuilder>(Factory.CreateCommandBuilder());
        Assert.IsType<SharpgresDataAdapter>(Factory.CreateDataAdapter());
        Assert.IsType<SharpgresBatch>(Factory.CreateBatch());
        Assert.IsType<SharpgresBatchCommand>(Factory.CreateBatchCommand());
        Assert.IsType<SharpgresDataSource>(Factory.CreateDataSource(db.ConnectionString));
    }

    [Fact]
    public void The_Can_members_are_true_except_the_data_source_enumerator()
    {
        Assert.True(Factory.CanCreateBatch);
        Assert.True(Factory.CanCreateCommandBuilder);
        Assert.True(Factory.CanCreateDataAdapter);
        Assert.False(Factory.CanCreateDataSourceEnumerator);
        Assert.Null(Factory.CreateDataSourceEnumerator());
    }

    [Fact]
    public void The_connection_string_builder_starts_empty_and_null_reads_back_empty()
    {
        var builder = Factory.CreateConnectionStringBuilder()!;
        Assert.Equal("", builder.ConnectionString);
        builder.ConnectionString = null;
        Assert.Equal("", builder.ConnectionString);
        builder.ConnectionString = db.ConnectionString;
        Assert.NotEqual("", builder.ConnectionString);
        builder.Clear();
        Assert.Equal("", builder.ConnectionString);
    }

    [Fact]
    public void A_connection_batch_runs_its_commands_in_order()
    {
        using var c = Factory.CreateConnection()!;
        c.ConnectionString = db.ConnectionString;
        c.Open();
        Assert.True(c.CanCreateBatch);
        using var batch = c.CreateBatch();
        Assert.Same(c, batch.Connection);
        foreach (var sql in new[] { "CREATE TEMP TABLE fb (x int)", "INSERT INTO fb VALUES (1), (2)", "SELECT count(*) FROM fb" })
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = sql;
            batch.BatchCommands.Add(command);
        }
        Assert.Equal(2L, batch.ExecuteScalar());
        Assert.Equal(2, batch.BatchCommands[1].RecordsAffected);
    }

    [Fact]
    public void A_batch_without_a_connection_or_commands_is_InvalidOperation()
    {
        using var batch = Factory.CreateBatch()!;
        var command = batch.CreateBatchCommand();
        command.CommandText = "SELECT 1";
        batch.BatchCommands.Add(command);
        Assert.Throws<InvalidOperationException>(() => batch.ExecuteNonQuery());
        using var c = Factory.CreateConnection()!;
        c.ConnectionString = db.ConnectionString;
        batch.Connection = c;
        Assert.Throws<InvalidOperationException>(() => batch.ExecuteNonQuery());   // closed
        c.Open();
        using var empty = c.CreateBatch();
        Assert.Throws<InvalidOperationException>(() => empty.ExecuteNonQuery());
        Assert.Equal(1, batch.ExecuteScalar());
    }

    [Fact]
    public void The_data_adapter_fills_a_table_and_the_command_builder_writes_it_back()
    {
        using var c = (SharpgresConnection)Factory.CreateConnection()!;
        c.ConnectionString = db.ConnectionString;
        c.Open();
        using (var setup = c.CreateCommand())
        {
            setup.CommandText = "CREATE TABLE IF NOT EXISTS adapted (id int PRIMARY KEY, name text); TRUNCATE adapted; INSERT INTO adapted VALUES (1, 'one'), (2, 'two')";
            setup.ExecuteNonQuery();
        }
        var adapter = (DbDataAdapter)Factory.CreateDataAdapter()!;
        adapter.SelectCommand = new SharpgresCommand("SELECT id, name FROM adapted ORDER BY id", c);
        var builder = (DbCommandBuilder)Factory.CreateCommandBuilder()!;
        builder.DataAdapter = adapter;
        var table = new DataTable();
        Assert.Equal(2, adapter.Fill(table));
        Assert.Equal("one", table.Rows[0]["name"]);
        table.Rows[0]["name"] = "uno";
        table.Rows[1].Delete();
        table.Rows.Add(3, "three");
        Assert.Equal(3, adapter.Update(table));
        using var check = new SharpgresCommand("SELECT string_agg(id || '=' || name, ',' ORDER BY id) FROM adapted", c);
        Assert.Equal("1=uno,3=three", check.ExecuteScalar());
    }
}
