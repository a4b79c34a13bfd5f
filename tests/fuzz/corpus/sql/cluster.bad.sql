SET lock_timeout = '5s';
CLUSTER "User" USING "User_pkey";
