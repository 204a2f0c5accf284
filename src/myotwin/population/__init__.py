"""Population runs: a synthetic population under what-if scenarios, year by year.

Python API: `load_population` / `parse_population` read a run file, `run_population` runs it
through an executor (serial, process pool or Dask) and returns a `PopulationResult` whose rows
are the yearly outcomes with intervals across parameter draws (`to_parquet` writes them).
"""

from myotwin.population.run import (
    OUTCOMES as OUTCOMES,
)
from myotwin.population.run import (
    PopulationResult as PopulationResult,
)
from myotwin.population.run import (
    block_count as block_count,
)
from myotwin.population.run import (
    run_population as run_population,
)
from myotwin.population.spec import (
    PopulationRunSpec as PopulationRunSpec,
)
from myotwin.population.spec import (
    PopulationSpecError as PopulationSpecError,
)
from myotwin.population.spec import (
    load_population as load_population,
)
from myotwin.population.spec import (
    parse_population as parse_population,
)
