#include "lr_travel.h"

#include <math.h>


#define LR_EARTH_RADIUS_KM  6371.0
#define LR_RAD              (3.14159265358979323846 / 180.0)


/* haversine: accurate enough at every distance a login can travel */
double
lr_travel_km(double lat1, double lon1, double lat2, double lon2)
{
    double  dlat, dlon, a;

    dlat = (lat2 - lat1) * LR_RAD;
    dlon = (lon2 - lon1) * LR_RAD;

    a = sin(dlat / 2) * sin(dlat / 2)
        + cos(lat1 * LR_RAD) * cos(lat2 * LR_RAD)
          * sin(dlon / 2) * sin(dlon / 2);

    if (a > 1.0) {
        a = 1.0;
    }

    return 2.0 * LR_EARTH_RADIUS_KM * asin(sqrt(a));
}
