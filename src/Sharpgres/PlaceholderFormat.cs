namespace Sharpgres;

/// <summary>
/// psycopg's <c>PyFormat</c>: how a placeholder asks its value to be sent. <c>%s</c> lets the value's codec choose
/// (binary where it has a binary form, strings in text as untyped literals), <c>%b</c> forces binary, <c>%t</c> text.
/// </summary>
public enum PlaceholderFormat : byte
{
    /// <summary><c>%s</c>: the codec's choice.</summary>
    Auto,
    /// <summary><c>%b</c>: binary format.</summary>
    Binary,
    /// <summary><c>%t</c>: text format.</summary>
    Text,
}
