namespace Sharpgres;

/// <summary>Shapes the rows a cursor returns, as psycopg's row factories.</summary>
public abstract class RowFactory<TRow>
{
    internal abstract TRow Make(Row row);
}

/// <summary>The built-in row factories: <c>conn.Cursor(RowFactory.Dict)</c>.</summary>
public static class RowFactory
{
    /// <summary><see cref="Row"/>: tuple-like, indexable by ordinal and name (psycopg's tuple_row, the default).</summary>
    public static RowFactory<Row> Tuple { get; } = new TupleFactory();

    /// <summary>A column name → value dictionary per row (psycopg's dict_row).</summary>
    public static RowFactory<IReadOnlyDictionary<string, object?>> Dict { get; } = new DictFactory();

    private sealed class TupleFactory : RowFactory<Row>
    {
        internal override Row Make(Row row) => row;
    }

    private sealed class DictFactory : RowFactory<IReadOnlyDictionary<string, object?>>
    {
        internal override IReadOnlyDictionary<string, object?> Make(Row row) => row.ToDictionary();
    }
}
