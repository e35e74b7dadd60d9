#ifndef LR_TRAVEL_H
#define LR_TRAVEL_H

/* Great-circle distance in km between two points given in degrees. */
double lr_travel_km(double lat1, double lon1, double lat2, double lon2);

#endif
