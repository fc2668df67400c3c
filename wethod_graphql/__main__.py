"""`python -m wethod_graphql` is the `wethod-graphql` command."""

import sys

from wethod_graphql.cli import main

sys.exit(main())
