Console.WriteLine("tutorial sample: coming soon");
